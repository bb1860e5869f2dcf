import EdgeCore

// Typed accessors for the tables of TensorFlow Lite's schema
// (tensorflow/lite/schema/schema.fbs, schema version 3). Each accessor is one
// field: its vtable slot (4 + 2 × field id), its scalar type and the schema's
// default. Only the fields edgec reads are here. `what` prefixes every error
// with the object being read ("tensor 12 'conv/w'"), so a reader error deep in
// the file still says which tensor or operator it belongs to.

struct ModelTable {
  let table: Table
  var version: UInt32 { get throws { try table.scalar(4, default: UInt32(0), "model version") } }
  var operatorCodes: Vector? { get throws { try table.vector(6, elementSize: 4, "model operator_codes") } }
  var subgraphs: Vector? { get throws { try table.vector(8, elementSize: 4, "model subgraphs") } }
  var description: String? { get throws { try table.string(10, "model description") } }
  var buffers: Vector? { get throws { try table.vector(12, elementSize: 4, "model buffers") } }
}

struct OperatorCodeTable {
  let table: Table
  let what: String
  /// int8 in the schema: codes up to 127 live here; larger ones store 127
  /// (PLACEHOLDER_FOR_GREATER_OP_CODES) and the real code in `builtinCode`.
  var deprecatedBuiltinCode: Int8 {
    get throws { try table.scalar(4, default: Int8(0), "\(what) deprecated_builtin_code") }
  }
  var customCode: String? { get throws { try table.string(6, "\(what) custom_code") } }
  var version: Int32 { get throws { try table.scalar(8, default: Int32(1), "\(what) version") } }
  var builtinCode: Int32 { get throws { try table.scalar(10, default: Int32(0), "\(what) builtin_code") } }
}

struct SubGraphTable {
  let table: Table
  let what: String
  var tensors: Vector? { get throws { try table.vector(4, elementSize: 4, "\(what) tensors") } }
  var inputs: Vector? { get throws { try table.vector(6, elementSize: 4, "\(what) inputs") } }
  var outputs: Vector? { get throws { try table.vector(8, elementSize: 4, "\(what) outputs") } }
  var operators: Vector? { get throws { try table.vector(10, elementSize: 4, "\(what) operators") } }
  var name: String? { get throws { try table.string(12, "\(what) name") } }
}

struct TensorTable {
  let table: Table
  let what: String
  var shape: Vector? { get throws { try table.vector(4, elementSize: 4, "\(what): shape") } }
  /// TensorType, a byte enum (FLOAT32 = 0, the default).
  var type: Int8 { get throws { try table.scalar(6, default: Int8(0), "\(what): type") } }
  var buffer: UInt32 { get throws { try table.scalar(8, default: UInt32(0), "\(what): buffer index") } }
  var name: String? { get throws { try table.string(10, "\(what): name") } }
  var quantization: QuantizationTable? {
    get throws { try table.table(12, "\(what): quantization").map { QuantizationTable(table: $0, what: what) } }
  }
  var isVariable: Bool { get throws { try table.bool(14, "\(what): is_variable") } }
  var sparsity: Table? { get throws { try table.table(16, "\(what): sparsity") } }
}

struct QuantizationTable {
  let table: Table
  let what: String
  var scale: Vector? { get throws { try table.vector(8, elementSize: 4, "\(what): quantization scale") } }
  var zeroPoint: Vector? { get throws { try table.vector(10, elementSize: 8, "\(what): quantization zero_point") } }
  /// QuantizationDetails union type; non-zero means custom quantization.
  var detailsType: UInt8 {
    get throws { try table.scalar(12, default: UInt8(0), "\(what): quantization details_type") }
  }
  var quantizedDimension: Int32 {
    get throws { try table.scalar(16, default: Int32(0), "\(what): quantized_dimension") }
  }
}

struct BufferTable {
  let table: Table
  let what: String
  var data: Vector? { get throws { try table.vector(4, elementSize: 1, "\(what) data") } }
  /// Absolute file offset of data stored after the flatbuffer (models over
  /// 2 GB, or written with external buffers); 0 or 1 means "not used".
  var offset: UInt64 { get throws { try table.scalar(6, default: UInt64(0), "\(what) offset") } }
  var size: UInt64 { get throws { try table.scalar(8, default: UInt64(0), "\(what) size") } }
}

struct OperatorTable {
  let table: Table
  let what: String
  var opcodeIndex: UInt32 { get throws { try table.scalar(4, default: UInt32(0), "\(what) opcode_index") } }
  var inputs: Vector? { get throws { try table.vector(6, elementSize: 4, "\(what) inputs") } }
  var outputs: Vector? { get throws { try table.vector(8, elementSize: 4, "\(what) outputs") } }
  /// The BuiltinOptions union (type tag at field 3, table at field 4).
  var builtinOptions: (type: UInt8, table: Table?) {
    get throws { try table.union(typeSlot: 10, valueSlot: 12, "\(what) builtin_options") }
  }
}

/// Union tags of the BuiltinOptions tables edgec reads (and EdgeExport writes).
public enum BuiltinOptionsType {
  public static let conv2D: UInt8 = 1
  public static let depthwiseConv2D: UInt8 = 2
  public static let pool2D: UInt8 = 5
  public static let fullyConnected: UInt8 = 8
  public static let softmax: UInt8 = 9
  public static let concatenation: UInt8 = 10
  public static let add: UInt8 = 11
  public static let reshape: UInt8 = 17
  public static let mul: UInt8 = 21
  public static let gather: UInt8 = 23
  public static let reducer: UInt8 = 27
  public static let sub: UInt8 = 28
  public static let div: UInt8 = 29
  public static let squeeze: UInt8 = 30
  public static let stridedSlice: UInt8 = 32
  public static let cast: UInt8 = 37
  public static let split: UInt8 = 35
  public static let splitV: UInt8 = 79
  public static let batchMatMul: UInt8 = 101
  public static let gelu: UInt8 = 116
  public static let shape: UInt8 = 55
  public static let pack: UInt8 = 59
  public static let unpack: UInt8 = 64
  public static let callOnce: UInt8 = 103
}

/// The TensorType values edgec maps; the rest are named in the error.
/// schema.fbs TensorType codes of the element types edgec handles, both
/// ways: the importer reads them, EdgeExport writes them.
public enum TensorTypeCode {
  static let codes: [(code: Int8, type: DataType)] = [
    (0, .float32), (1, .float16), (2, .int32), (3, .uint8), (4, .int64), (6, .bool), (7, .int16),
    (9, .int8), (17, .int4),
  ]

  static func dataType(_ code: Int8) -> DataType? { codes.first { $0.code == code }?.type }

  /// The code of an element type edgec handles (every DataType has one).
  public static func code(of type: DataType) -> Int8 {
    codes.first { $0.type == type }?.code ?? 0
  }

  static let names: [Int8: String] = [
    0: "FLOAT32", 1: "FLOAT16", 2: "INT32", 3: "UINT8", 4: "INT64", 5: "STRING", 6: "BOOL",
    7: "INT16", 8: "COMPLEX64", 9: "INT8", 10: "FLOAT64", 11: "COMPLEX128", 12: "UINT64",
    13: "RESOURCE", 14: "VARIANT", 15: "UINT32", 16: "UINT16", 17: "INT4", 18: "BFLOAT16",
    19: "INT2", 20: "UINT4",
  ]

  static func name(_ code: Int8) -> String { names[code] ?? "unknown type \(code)" }
}
