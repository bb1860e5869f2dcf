import ArgumentParser
import EdgeCore

@main
struct Edgec: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "edgec",
    abstract: "Compile TensorFlow Lite models into static C for Cortex-M microcontrollers.",
    discussion: """
      edgec reads a .tflite model, plans every activation into one static arena, and \
      emits self-contained C (no interpreter, no malloc) that is bit-exact with \
      TensorFlow Lite Micro on int8 models. The simulator proves it on the host.

        edgec inspect model.tflite                               per-layer table
        edgec compile model.tflite --target stm32f746 -o build/  emit C + report
        edgec simulate model.tflite --input x.npy --output y.npy run the emitted C
        edgec targets                                            list the chips
      """,
    version: "0.1.0",
    subcommands: [
      CompileCommand.self, ExportCommand.self, InspectCommand.self, PlanCommand.self, RunCommand.self, SimulateCommand.self, SizeCommand.self, TargetsCommand.self,
    ])
}

/// Runs a command body, printing library errors as one `error:` line on
/// stderr and exiting with status 1 — never a stack trace, never a trap.
func reportingErrors(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as EdgeError {
    printError("error: \(error)")
    throw ExitCode(1)
  }
}

func printError(_ message: String) {
  var stderr = StandardError()
  print(message, to: &stderr)
}

struct StandardError: TextOutputStream {
  mutating func write(_ string: String) {
    FileHandleOutput.writeToStandardError(string)
  }
}
