import EdgeCore

/// The operators of RandomGraphBuilder. Each keeps the graph valid for TFLM:
/// pools and PAD keep their input's quantization, CONCATENATION inputs are
/// requantized to the output's, LOGISTIC writes scale 1/256 and zero point
/// -128, and ADD's scales (all within 0.02–0.12) keep its rescale factors in (0, 1).
extension RandomGraphBuilder {
  mutating func activationFunction() -> FusedActivation { rng.pick([.none, .none, .relu, .relu6]) }

  /// Output size of a window of size `k` and stride `s` over `n` (nil: VALID does not fit).
  func windowOutput(_ n: Int, k: Int, s: Int, _ padding: Padding) -> Int? {
    padding == .same ? (n + s - 1) / s : (n >= k ? (n - k) / s + 1 : nil)
  }

  /// Per-channel int8 weights and int32 biases, and an output scale that keeps
  /// most sums inside int8 (about 80 × input scale × weight scale × √terms).
  mutating func weights(
    _ filterDims: [Int], channels: Int, axis: Int, input: Quantization, terms: Int
  ) -> (filter: TensorID, bias: TensorID?, output: Quantization) {
    let scales = (0..<channels).map { _ in rng.float(0.002, 0.012) }
    let filter = constant(
      .int8, filterDims, Quantization(scales: scales, zeroPoints: [Int64](repeating: 0, count: channels), axis: axis),
      rng.int8s(filterDims.reduce(1, *)).map { UInt8(bitPattern: $0 == -128 ? -127 : $0) })
    var bias: TensorID?
    if rng.chance(0.8) {
      bias = int32Constant(
        (0..<channels).map { _ in Int32(rng.int(-2000...2000)) }, [channels],
        Quantization(scales: scales.map { $0 * input.scale }, zeroPoints: [Int64](repeating: 0, count: channels)))
    }
    let mean = scales.reduce(0, +) / Float(channels)
    let scale = input.scale * mean * Float(terms).squareRoot() * rng.float(40, 120)
    return (filter, bias, Quantization(scale: scale, zeroPoint: Int64(rng.int(-20...20))))
  }

  @discardableResult
  mutating func convolution(_ x: TensorID, kernel: Int? = nil, stride: Int? = nil, padding: Padding? = nil, channels: Int? = nil) -> TensorID {
    let d = dims(x)
    let k = kernel ?? rng.pick([1, 3, 3])
    let s = stride ?? rng.pick([1, 1, 2])
    var p = padding ?? rng.pick([Padding.same, .valid])
    if windowOutput(d[1], k: k, s: s, p) == nil || windowOutput(d[2], k: k, s: s, p) == nil { p = .same }
    let cout = channels ?? rng.int(1...8)
    let w = weights([cout, k, k, d[3]], channels: cout, axis: 0, input: quantization(x), terms: k * k * d[3])
    let y = activation(
      [1, windowOutput(d[1], k: k, s: s, p) ?? 1, windowOutput(d[2], k: k, s: s, p) ?? 1, cout], w.output)
    emit(.conv2D, [x, w.filter, w.bias], y, .conv2D(Conv2DOptions(padding: p, strideH: s, strideW: s, activation: activationFunction())))
    return y
  }

  @discardableResult
  mutating func depthwise(_ x: TensorID, padding: Padding? = nil) -> TensorID {
    let d = dims(x)
    let k = rng.pick([3, 3, 1])
    let s = rng.pick([1, 1, 2])
    let m = d[3] <= 4 && rng.chance(0.25) ? 2 : 1
    var p = padding ?? rng.pick([Padding.same, .valid])
    if windowOutput(d[1], k: k, s: s, p) == nil || windowOutput(d[2], k: k, s: s, p) == nil { p = .same }
    let w = weights([1, k, k, d[3] * m], channels: d[3] * m, axis: 3, input: quantization(x), terms: k * k)
    let y = activation(
      [1, windowOutput(d[1], k: k, s: s, p) ?? 1, windowOutput(d[2], k: k, s: s, p) ?? 1, d[3] * m], w.output)
    emit(
      .depthwiseConv2D, [x, w.filter, w.bias], y,
      .depthwiseConv2D(DepthwiseConv2DOptions(padding: p, strideH: s, strideW: s, depthMultiplier: m, activation: activationFunction())))
    return y
  }

  /// y = CONV_2D(x) keeping x's shape, then ADD(y, x) in either order: what
  /// fuse-residual-add rewrites (unless x or y is read again).
  mutating func residualBlock(_ x: TensorID) {
    let y = convolution(x, kernel: rng.pick([1, 3]), stride: 1, padding: .same, channels: dims(x)[3])
    let skip = rng.chance(0.8) ? x : rng.pick(activations.filter { dims($0) == dims(x) })
    add(.add, rng.chance(0.5) ? (y, skip) : (skip, y))
  }

  /// ADD or MUL of `x` and a tensor of the same shape: sometimes `x` itself,
  /// otherwise an earlier tensor (a skip), a fresh convolution of `x`, or its
  /// global average [1, 1, 1, C] (broadcast: only the larger input may be
  /// written over).
  mutating func elementwise(_ kind: OpKind, _ x: TensorID) {
    let partners = activations.filter { dims($0) == dims(x) && $0 != x }
    let other: TensorID
    switch rng.int(0...3) {
    case 0: other = x
    case 1 where !partners.isEmpty: other = rng.pick(partners)
    case 2:
      let d = dims(x)
      other = activation([1, 1, 1, d[3]], quantization(x))
      emit(.averagePool2D, [x], other, .pool2D(Pool2DOptions(padding: .valid, strideH: 1, strideW: 1, filterH: d[1], filterW: d[2])))
    default: other = convolution(x, kernel: 1, stride: 1, padding: .same, channels: dims(x)[3])
    }
    add(kind, rng.chance(0.5) ? (x, other) : (other, x))
  }

  mutating func add(_ kind: OpKind, _ operands: (TensorID, TensorID)) {
    let larger = tensors[operands.0].elementCount >= tensors[operands.1].elementCount ? operands.0 : operands.1
    let y = activation(dims(larger), randomQuantization())
    emit(kind, [operands.0, operands.1], y, .activation(activationFunction()))
  }

  mutating func logistic(_ x: TensorID) {
    let y = activation(dims(x), Quantization(scale: 1.0 / 256, zeroPoint: -128))
    emit(.logistic, [x], y)
  }

  /// QUANTIZE int8 → int8: the same parameters (fold-requantize removes it)
  /// or new ones.
  @discardableResult
  mutating func requantize(_ x: TensorID, to target: Quantization? = nil) -> TensorID {
    let q = target ?? (rng.chance(0.4) ? quantization(x) : randomQuantization())
    let y = activation(dims(x), q)
    emit(.quantize, [x], y)
    return y
  }

  /// A spatial PAD, then (usually) a convolution or depthwise convolution
  /// with VALID padding that fold-pad can absorb, or a pool it must not.
  mutating func padThenWindow(_ x: TensorID) {
    let d = dims(x)
    var amounts = (0..<4).map { _ in Int32(rng.int(0...2)) }
    if amounts.allSatisfy({ $0 == 0 }) { amounts[rng.int(0...3)] = 1 }
    let paddings = int32Constant([0, 0, amounts[0], amounts[1], amounts[2], amounts[3], 0, 0], [4, 2])
    let y = activation([1, d[1] + Int(amounts[0] + amounts[1]), d[2] + Int(amounts[2] + amounts[3]), d[3]], quantization(x))
    emit(.pad, [x, paddings], y)
    switch rng.int(0...3) {
    case 0: convolution(y, padding: .valid)
    case 1: depthwise(y, padding: .valid)
    case 2: pool(y)
    default: break
    }
  }

  mutating func pool(_ x: TensorID) {
    let d = dims(x)
    let k = rng.pick([2, 3])
    let s = rng.pick([1, 2])
    var p = rng.pick([Padding.same, .valid])
    if windowOutput(d[1], k: k, s: s, p) == nil || windowOutput(d[2], k: k, s: s, p) == nil { p = .same }
    let y = activation([1, windowOutput(d[1], k: k, s: s, p) ?? 1, windowOutput(d[2], k: k, s: s, p) ?? 1, d[3]], quantization(x))
    emit(
      rng.chance(0.5) ? .averagePool2D : .maxPool2D, [x], y,
      .pool2D(Pool2DOptions(padding: p, strideH: s, strideW: s, filterH: k, filterW: k)))
  }

  /// CONCATENATION of `x` and one or two tensors agreeing on every other
  /// axis (sometimes `x` twice); inputs with other parameters are requantized first.
  mutating func concatenate(_ x: TensorID, axis: Int) {
    let d = dims(x)
    let fits = activations.filter { id in (0..<4).allSatisfy { $0 == axis || dims(id)[$0] == d[$0] } }
    var parts = [x]
    for _ in 0..<rng.int(1...2) { parts.append(rng.chance(0.2) ? x : rng.pick(fits)) }
    parts.shuffle(using: &rng)
    let q = quantization(parts[rng.int(0...(parts.count - 1))])
    parts = parts.map { quantization($0) == q ? $0 : requantize($0, to: q) }
    var out = d
    out[axis] = parts.map { dims($0)[axis] }.reduce(0, +)
    let y = activation(out, q)
    emit(.concatenation, parts, y, .concatenation(axis: axis, activation: .none))
  }

  /// RESHAPE to another rank-4 shape, with or without the shape tensor.
  mutating func reshape(_ x: TensorID) {
    let d = dims(x)
    let out = rng.pick([[1, d[2], d[1], d[3]], [1, 1, d[1] * d[2], d[3]], [1, d[1], d[2] * d[3], 1], [1, d[1] * d[2], 1, d[3]]])
    let shape: TensorID? = rng.chance(0.5) ? int32Constant(out.map { Int32($0) }, [4]) : nil
    let y = activation(out, quantization(x))
    emit(.reshape, shape.map { [x, $0] } ?? [x], y, .reshape(newShape: out))
  }
}

extension RandomGraphRNG: RandomNumberGenerator {}
