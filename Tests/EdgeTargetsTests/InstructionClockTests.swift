import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// The instruction clock (Targets/cortex-m/instruction_clock.*) is exact to
/// the instruction: a firmware measures functions of k = 0, 1, 2, … nops
/// (plus `movs` and `bx lr`) across two whole timer ticks, under QEMU.
@Suite struct InstructionClockTests {
  static let boards = ["mps2-an500", "mps2-an386", "mps2-an505"]

  /// nop<k>: `movs r0, #0`, k nops, `bx lr` — k + 2 instructions.
  func sources(count: Int) -> [(String, String)] {
    var asm = [".syntax unified", ".thumb", ".text"]
    for k in 0..<count {
      asm += [".global nop\(k)", ".type nop\(k), %function", ".thumb_func", "nop\(k):", "  movs r0, #0"]
      asm += Array(repeating: "  nop", count: k) + ["  bx lr"]
    }
    let table = (0..<count).map { "nop\($0)" }.joined(separator: ", ")
    let main = """
      #include "edgec_firmware.h"
      \((0..<count).map { "int nop\($0)(void);" }.joined(separator: "\n"))
      static int (*const functions[\(count)])(void) = {\(table)};
      int main(void) {
        int k, result;
        edgec_clock_start();
        for (k = 0; k < \(count); k++) {
          uint64_t n = edgec_clock_measure(functions[k], &result);
          edgec_print("edgec-fw: ");
          edgec_print_u64((uint64_t)k);
          edgec_print(edgec_clock_exact() ? " exact " : " inexact ");
          edgec_print_u64(n);
          edgec_print("\\n");
        }
        return 0;
      }

      """
    return [("main.c", main), ("nops.S", asm.joined(separator: "\n") + "\n")]
  }

  @Test(arguments: boards) func measuresEveryFunctionLengthExactly(_ board: String) throws {
    let catalog = try TargetCatalog()
    let target = try catalog.load(board)
    let tick = try #require(target.timer?.instructionsPerTick)
    let count = 2 * tick + 2
    let placement = try MemoryPlacement(target: target, arenaBytes: 0, stackBytes: 4096, weightsBytes: 0, codeBytes: 0)
    let dir = try ScratchDirectory(prefix: "edgec-clock")
    defer { dir.remove() }
    let builder = try FirmwareBuild(target: target, catalog: catalog)
    let image = try builder.build(files: sources(count: count), placement: placement, in: dir)
    let run = try QemuRunner.run(elf: image.path, emulator: try #require(target.qemu), directory: dir.path, timeoutSeconds: 120)
    #expect(run.status == 0 && !run.timedOut, "\(run.stderr)")
    let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("edgec-fw: ") }
    #expect(lines.count == count)
    for (k, line) in lines.enumerated() {
      #expect(line == "edgec-fw: \(k) exact \(k + 2)", "\(board): \(line)")
    }
  }
}
