import EdgeCore
import Foundation

/// How a tensor's int8 range is chosen from its calibration statistics.
public enum CalibrationMethod: Sendable, Equatable {
  /// The smallest and largest value seen (what the TFLite converter uses).
  case minmax
  /// Clips the rarest values: the range holding `percent` of them
  /// (half the rest cut from each tail).
  case percentile(Double)
  /// The clipping range minimizing the expected squared quantization error
  /// over the histogram (rounding noise inside, clipping error outside).
  case mse
}

/// Per-tensor statistics of every float32 run-time tensor of a float graph,
/// collected by running the reference interpreter over calibration samples.
public struct Calibration: Sendable {
  /// Indexed by TensorID; nil for constants and non-float tensors.
  public var statistics: [TensorStatistics?]
  public var samples: Int

  /// The float range of each calibrated tensor under `method`.
  public func ranges(_ method: CalibrationMethod) -> [TensorID: ClosedRange<Float>] {
    var result: [TensorID: ClosedRange<Float>] = [:]
    for (id, stats) in statistics.enumerated() {
      guard let stats, stats.count > 0, stats.min <= stats.max else { continue }
      result[id] = stats.range(method)
    }
    return result
  }
}

/// Runs `graph` (float, lowerable: compile-time operators folded) on every
/// sample and collects statistics of its float tensors. Samples are split
/// across the cores; `progress(done, total)` is called after each sample,
/// from whichever thread finished it, under a lock.
public func calibrate(
  _ graph: Graph, samples: [[TensorValue]], options: LoweringOptions = LoweringOptions(),
  progress: ((Int, Int) -> Void)? = nil
) throws -> Calibration {
  guard !samples.isEmpty else {
    throw EdgeError(.invalidInput, "calibration needs at least one sample; give --calibration a batch or a folder of .npy files")
  }
  let interpreter = try ReferenceInterpreter(graph: graph, options: options)
  let observed = graph.tensors.map { $0.type == .float32 && !$0.isConstant }
  // A stateful model's samples are consecutive calls (a stream): one worker
  // runs them in order with the state carried over, so the ranges cover the
  // state as it evolves, not only its initial value.
  let workers =
    graph.isStateful ? 1 : Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, samples.count))
  let shared = CalibrationWorkers(workers: workers, tensors: graph.tensors.count)
  DispatchQueue.concurrentPerform(iterations: workers) { worker in
    var local = [TensorStatistics?](repeating: nil, count: graph.tensors.count)
    var state = interpreter.initialState
    for index in stride(from: worker, to: samples.count, by: workers) {
      if shared.failed { return }
      do {
        _ = try interpreter.run(samples[index], state: &state) { id, value in
          guard observed[id] else { return }
          value.bytes.withUnsafeBytes { raw in
            let floats = raw.bindMemory(to: Float.self)
            if local[id] == nil { local[id] = TensorStatistics() }
            local[id]?.add(floats)
          }
        }
      } catch {
        shared.fail(error, sample: index)
        return
      }
      shared.finished(total: samples.count, progress: progress)
    }
    shared.merge(local)
  }
  if let (error, sample) = shared.failure {
    let message = (error as? EdgeError)?.message ?? "\(error)"
    throw EdgeError(.invalidInput, "calibration sample \(sample): \(message)")
  }
  return Calibration(statistics: shared.statistics, samples: samples.count)
}

/// What the calibration threads share, behind one lock.
private final class CalibrationWorkers: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var statistics: [TensorStatistics?]
  private(set) var failure: (Error, Int)?
  private var done = 0

  init(workers: Int, tensors: Int) { statistics = Array(repeating: nil, count: tensors) }

  var failed: Bool { lock.withLock { failure != nil } }

  func fail(_ error: Error, sample: Int) {
    lock.withLock { if failure == nil { failure = (error, sample) } }
  }

  func finished(total: Int, progress: ((Int, Int) -> Void)?) {
    lock.withLock {
      done += 1
      progress?(done, total)
    }
  }

  func merge(_ local: [TensorStatistics?]) {
    lock.withLock {
      for (id, stats) in local.enumerated() {
        guard let stats else { continue }
        if statistics[id] == nil { statistics[id] = stats } else { statistics[id]?.merge(stats) }
      }
    }
  }
}
