import EdgeCore
import EdgeImport

/// ActivationFunctionType codes (schema.fbs).
private func activationCode(_ activation: FusedActivation) -> Int8 {
  switch activation {
  case .none: return 0
  case .relu: return 1
  case .reluN1To1: return 2
  case .relu6: return 3
  case .tanh: return 4
  case .signBit: return 5
  }
}

private func paddingCode(_ padding: Padding) -> Int8 { padding == .same ? 0 : 1 }

/// Writes the operator's builtin options table and returns its union tag and
/// offset; nil for operators whose TFLite form has no options edgec keeps.
/// Field ids are schema.fbs's, in declaration order (OptionsMapping.swift
/// reads them back at vtable slot 4 + 2 × id).
func writeOptions(_ exported: ExportedOperator, into b: inout FlatBufferBuilder) throws
  -> (type: UInt8, table: FlatBufferBuilder.Offset)?
{
  let op = exported.op
  func table(_ tag: UInt8, _ fields: (inout FlatBufferBuilder) -> Void) -> (UInt8, FlatBufferBuilder.Offset) {
    b.startTable()
    fields(&b)
    return (tag, b.endTable())
  }
  func int32(_ value: Int) -> Int32 { Int32(clamping: value) }

  switch (op.kind, op.options) {
  case (.conv2D, .conv2D(let o)):
    return table(BuiltinOptionsType.conv2D) {
      $0.add(0, paddingCode(o.padding), default: 0)
      $0.add(1, int32(o.strideW), default: 0)
      $0.add(2, int32(o.strideH), default: 0)
      $0.add(3, activationCode(o.activation), default: 0)
      $0.add(4, int32(o.dilationW), default: 1)
      $0.add(5, int32(o.dilationH), default: 1)
    }
  case (.depthwiseConv2D, .depthwiseConv2D(let o)):
    return table(BuiltinOptionsType.depthwiseConv2D) {
      $0.add(0, paddingCode(o.padding), default: 0)
      $0.add(1, int32(o.strideW), default: 0)
      $0.add(2, int32(o.strideH), default: 0)
      $0.add(3, int32(o.depthMultiplier), default: 0)
      $0.add(4, activationCode(o.activation), default: 0)
      $0.add(5, int32(o.dilationW), default: 1)
      $0.add(6, int32(o.dilationH), default: 1)
    }
  case (.fullyConnected, .fullyConnected(let o)):
    return table(BuiltinOptionsType.fullyConnected) {
      $0.add(0, activationCode(o.activation), default: 0)
      $0.add(2, o.keepNumDims)
    }
  case (.averagePool2D, .pool2D(let o)), (.maxPool2D, .pool2D(let o)):
    return table(BuiltinOptionsType.pool2D) {
      $0.add(0, paddingCode(o.padding), default: 0)
      $0.add(1, int32(o.strideW), default: 0)
      $0.add(2, int32(o.strideH), default: 0)
      $0.add(3, int32(o.filterW), default: 0)
      $0.add(4, int32(o.filterH), default: 0)
      $0.add(5, activationCode(o.activation), default: 0)
    }
  case (.add, .activation(let a)), (.mul, .activation(let a)), (.sub, .activation(let a)), (.div, .activation(let a)):
    let tag = [OpKind.add: BuiltinOptionsType.add, .mul: BuiltinOptionsType.mul, .sub: BuiltinOptionsType.sub][op.kind] ?? BuiltinOptionsType.div
    return table(tag) { $0.add(0, activationCode(a), default: 0) }
  case (.reshape, .reshape(let newShape)):
    let vector = newShape.map { b.vector($0.map { Int32(clamping: $0) }) }
    return table(BuiltinOptionsType.reshape) { $0.add(0, vector) }
  case (.softmax, .softmax(let beta)):
    return table(BuiltinOptionsType.softmax) { $0.add(0, beta, default: 0) }
  case (.concatenation, .concatenation(let axis, let activation)):
    return table(BuiltinOptionsType.concatenation) {
      $0.add(0, int32(axis), default: 0)
      $0.add(1, activationCode(activation), default: 0)
    }
  case (.mean, .reducer(let keepDims)), (.reduceProd, .reducer(let keepDims)):
    return table(BuiltinOptionsType.reducer) { $0.add(0, keepDims) }
  case (.stridedSlice, .stridedSlice(let o)):
    return table(BuiltinOptionsType.stridedSlice) {
      $0.add(0, int32(o.beginMask), default: 0)
      $0.add(1, int32(o.endMask), default: 0)
      $0.add(2, int32(o.ellipsisMask), default: 0)
      $0.add(3, int32(o.newAxisMask), default: 0)
      $0.add(4, int32(o.shrinkAxisMask), default: 0)
      $0.add(5, o.offset)
    }
  case (.pack, .pack(let axis, let count)):
    return table(BuiltinOptionsType.pack) {
      $0.add(0, int32(count), default: 0)
      $0.add(1, int32(axis), default: 0)
    }
  case (.unpack, .unpack(let axis, let count)):
    return table(BuiltinOptionsType.unpack) {
      $0.add(0, int32(count), default: 0)
      $0.add(1, int32(axis), default: 0)
    }
  case (.gather, .gather(let axis, let batchDims)):
    return table(BuiltinOptionsType.gather) {
      $0.add(0, int32(axis), default: 0)
      $0.add(1, int32(batchDims), default: 0)
    }
  case (.squeeze, .squeeze(let dims)):
    let vector = b.vector(dims.map { Int32(clamping: $0) })
    return table(BuiltinOptionsType.squeeze) { $0.add(0, vector) }
  case (.batchMatMul, .batchMatMul(let adjX, let adjY)):
    return table(BuiltinOptionsType.batchMatMul) {
      $0.add(0, adjX)
      $0.add(1, adjY)
    }
  case (.split, .split(let count)), (.splitV, .split(let count)):
    return table(op.kind == .split ? BuiltinOptionsType.split : BuiltinOptionsType.splitV) {
      $0.add(0, int32(count), default: 0)
    }
  case (.gelu, .gelu(let approximate)):
    return table(BuiltinOptionsType.gelu) { $0.add(0, approximate) }
  // TRANSPOSE's permutation is its second input; NEG, RSQRT,
  // SQUARED_DIFFERENCE and HARD_SWISH have empty option tables, which
  // neither TFLM nor LiteRT reads.
  case (.transpose, .none), (.neg, .none), (.rsqrt, .none), (.squaredDifference, .none), (.hardSwish, .none):
    return nil
  // SHAPE and CAST: edgec keeps no options, the tensors' types say it all,
  // but LiteRT's SHAPE kernel takes its output type from the options.
  case (.shape, .none):
    let outType = exported.outputType.map(TensorTypeCode.code(of:)) ?? 2
    return table(BuiltinOptionsType.shape) { $0.add(0, outType, default: 0) }
  case (.cast, .none):
    let (inType, outType) = (exported.inputType.map(TensorTypeCode.code(of:)) ?? 0, exported.outputType.map(TensorTypeCode.code(of:)) ?? 0)
    return table(BuiltinOptionsType.cast) {
      $0.add(0, inType, default: 0)
      $0.add(1, outType, default: 0)
    }
  case (.pad, .none), (.logistic, .none), (.quantize, .none), (.dequantize, .none), (.rank, .none), (.slice, .none),
    (.expandDims, .none), (.fill, .none), (.floorDiv, .none), (.floorMod, .none), (.maximum, .none),
    (.minimum, .none), (.readVariable, .none), (.assignVariable, .none):
    return nil
  default:
    throw EdgeError(
      .invalidGraph,
      "\(exported.label) carries options \(op.options), which are not the options of a "
        + "\(op.kind.name); the graph is inconsistent (a pass or test built it wrongly)", at: exported.location)
  }
}
