import EdgeCore

// Typed views of tensor bytes for the window and matrix kernels (CONV_2D,
// DEPTHWISE_CONV_2D, FULLY_CONNECTED, the pools, PAD). TensorValue stores
// little-endian bytes; the hosts edgec runs on are little-endian, so a typed
// copy is a memcpy. Copying once per call keeps the inner loops on plain
// typed buffers, which is what makes them fast in release builds.

extension TensorValue {
  /// The elements as `T`, which must have the tensor's element size.
  func windowKernelElements<T: Numeric>(as _: T.Type) -> [T] {
    let count = bytes.count / MemoryLayout<T>.stride
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      bytes.withUnsafeBytes { source in
        UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0..<count * MemoryLayout<T>.stride]))
      }
      initialized = count
    }
  }

  /// Replaces the bytes with `elements` (same count and element size).
  mutating func setWindowKernelElements<T: Numeric>(_ elements: [T]) {
    elements.withUnsafeBytes { source in
      bytes.withUnsafeMutableBytes { destination in
        destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0..<min(source.count, destination.count)]))
      }
    }
  }
}
