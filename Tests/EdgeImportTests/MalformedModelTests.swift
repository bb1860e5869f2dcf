import EdgeCore
import Testing

@testable import EdgeImport

private func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }

/// The absolute position of field `slot` of the table at `table`.
private func fieldPosition(_ bytes: [UInt8], table: Int, slot: Int) throws -> Int {
  try #require(try FlatBuffer(bytes).table(at: table, "t").fieldPosition(slot, size: 4, "f"))
}

/// One test per class of malformed input, each checking the error kind and
/// that the message and location name the byte, tensor or operator.
@Suite struct MalformedModelTests {
  let small = TestModel.small.build()

  @Test func everyTruncationIsAMalformedModelErrorWithAByteOffset() {
    for length in 0..<small.bytes.count {
      let error = importError(Array(small.bytes.prefix(length)))
      #expect(error?.kind == .malformedModel, "length \(length)")
      let offset = error?.location.byteOffset ?? -1
      #expect(offset >= 0 && offset <= length, "length \(length): byte \(offset)")
      #expect(error?.message.contains("(\(length) bytes)") == true || length < 8, "length \(length): \(error?.message ?? "")")
    }
  }

  @Test func wrongFileIdentifier() {
    var bytes = small.bytes
    bytes.replaceSubrange(4..<8, with: Array("TFL2".utf8))
    let error = importError(bytes)
    #expect(error?.kind == .malformedModel)
    #expect(error?.location.byteOffset == 4)
    #expect(error?.message.hasPrefix("file identifier at byte 4 is 'TFL2', expected 'TFL3'") == true)
  }

  @Test func shapeVectorLengthPastTheEnd() throws {
    var bytes = small.bytes
    let position = try #require(small.positions["tensor1.shape"])
    bytes.replaceSubrange(position..<(position + 4), with: le32(0x7FFF_FFFF))
    let error = importError(bytes)
    #expect(error?.kind == .malformedModel)
    #expect(error?.location.byteOffset == position)
    #expect(error?.location.tensorIndex == 1)
    #expect(error?.location.tensorName == "conv/w")
    #expect(
      error?.message == "tensor 1 'conv/w': shape vector at byte \(position) (2147483647 elements of 4 bytes) "
        + "runs past the end of the file (\(bytes.count) bytes)")
  }

  @Test func offsetOutOfRange() throws {
    var bytes = small.bytes
    let field = try fieldPosition(bytes, table: try #require(small.positions["tensor3"]), slot: 4)
    bytes.replaceSubrange(field..<(field + 4), with: le32(0xFFFF_FFF0))
    let error = importError(bytes)
    #expect(error?.kind == .malformedModel)
    #expect(error?.location.byteOffset == field)
    #expect(error?.location.tensorIndex == 3)
    #expect(
      error?.message == "tensor 3 'conv/out': shape offset at byte \(field) points to byte \(field + 0xFFFF_FFF0), "
        + "past the end of the file (\(bytes.count) bytes)")
  }

  @Test func negativeDimension() throws {
    var model = TestModel.small
    model.tensors[3].shape = [1, -4, 4, 3]
    let built = model.build()
    let error = importError(built.bytes)
    let position = try #require(built.positions["tensor3.shape"])
    #expect(error?.kind == .malformedModel)
    #expect(error?.location.tensorIndex == 3)
    #expect(error?.location.byteOffset == position)
    #expect(
      error?.message == "tensor 3 'conv/out': shape [1, -4, 4, 3] (vector at byte \(position)) has a negative "
        + "dimension -4 at axis 1")
  }

  @Test func elementCountOverflow() {
    var model = TestModel.small
    model.tensors[3].shape = [2_147_483_647, 2_147_483_647, 2_147_483_647]
    let error = importError(model.build().bytes)
    #expect(error?.kind == .malformedModel)
    #expect(error?.location.tensorIndex == 3)
    #expect(
      error?.message == "tensor 3 'conv/out': shape [2147483647, 2147483647, 2147483647] of float32 has more "
        + "elements than fit in memory (the byte count overflows a 64-bit integer)")
  }

  @Test func bufferSmallerThanItsTensor() throws {
    var model = TestModel.small
    model.buffers[1] = TestModel.floats([1, 2, 3, 4, 5])
    let built = model.build()
    let error = importError(built.bytes)
    #expect(error?.kind == .malformedModel)
    #expect(error?.location.tensorIndex == 1)
    #expect(error?.location.byteOffset == built.positions["buffer1.data"])
    #expect(
      error?.message == "tensor 1 'conv/w': buffer 1 holds 20 bytes, smaller than the 24 bytes its shape "
        + "[3, 1, 1, 2] of float32 needs")
  }

  @Test func bufferLargerThanItsTensor() {
    var model = TestModel.small
    model.buffers[2] = TestModel.floats([1, 2, 3, 4])
    let error = importError(model.build().bytes)
    #expect(error?.message == "tensor 2 'conv/b': buffer 2 holds 16 bytes, different from the 12 bytes its shape [3] of float32 needs")
  }

  @Test func externalBufferPastTheEnd() {
    var model = TestModel.small
    model.externalBuffers[1] = TestModel.floats([6, 5, 4, 3, 2, 1])
    model.buffers[1] = nil
    let bytes = Array(model.build().bytes.dropLast(16))
    let error = importError(bytes)
    #expect(error?.kind == .malformedModel)
    #expect(error?.location.tensorIndex == 1)
    #expect(error?.message.contains("buffer 1 says its 24 bytes are at file offset") == true)
    #expect(error?.message.hasSuffix("past the end of the file (\(bytes.count) bytes)") == true)
  }

  @Test func bufferIndexOutOfRange() {
    var model = TestModel.small
    model.tensors[2].buffer = 9
    let error = importError(model.build().bytes)
    #expect(error?.kind == .malformedModel)
    #expect(error?.message == "tensor 2 'conv/b' refers to buffer 9, but the model has 3 buffers")
  }

  @Test func opcodeIndexOutOfRange() {
    var model = TestModel.small
    model.operators[1].opcodeIndex = 7
    let built = model.build()
    let error = importError(built.bytes)
    #expect(error?.kind == .malformedModel)
    #expect(error?.location.opIndex == 1)
    #expect(error?.location.byteOffset == built.positions["op1"])
    #expect(error?.message == "op 1 uses operator code 7, but the model has 2 operator codes")
  }

  @Test func tensorIndexOutOfRange() {
    var model = TestModel.small
    model.operators[1].inputs = [3, 42]
    let error = importError(model.build().bytes)
    #expect(error?.kind == .malformedModel)
    #expect(error?.location.opIndex == 1)
    #expect(error?.location.opName == "ADD")
    #expect(error?.message == "op 1 (ADD): input 1 refers to tensor 42, but the subgraph has 5 tensors")
    model.operators[1].inputs = [3, -2]
    #expect(importError(model.build().bytes)?.message == "op 1 (ADD): input 1 refers to tensor -2, but the subgraph has 5 tensors")
  }

  @Test func absentOptionalInputIsAllowedButAbsentOutputIsNot() throws {
    var model = TestModel.small
    model.operators[0].inputs = [0, 1, -1]
    #expect(try importModel(bytes: model.build().bytes, name: "m").operators[0].inputs == [0, 1, nil])
    model.operators[0].outputs = [-1]
    let error = importError(model.build().bytes)
    #expect(error?.message == "op 0 (CONV_2D): output 0 refers to tensor -1, but the subgraph has 5 tensors (outputs cannot be absent)")
  }

  @Test func graphInputOutOfRange() {
    var model = TestModel.small
    model.outputs = [5]
    #expect(importError(model.build().bytes)?.message == "graph output 0 refers to tensor 5, but subgraph 0 has 5 tensors")
  }

  @Test func cycle() {
    var model = TestModel.small
    model.operators[0].inputs = [4, 1, 2]
    let error = importError(model.build().bytes)
    #expect(error?.kind == .invalidGraph)
    #expect(error?.location.opIndex == 0)
    #expect(error?.location.tensorIndex == 4)
    #expect(error?.message == "cycle or out-of-order: op 0 (CONV_2D) reads tensor 4 'sum' which op 1 (ADD) writes")
  }

  @Test func unsupportedElementType() {
    var model = TestModel.small
    model.tensors[3].type = 5
    let error = importError(model.build().bytes)
    #expect(error?.kind == .unsupported)
    #expect(error?.location.tensorIndex == 3)
    #expect(error?.message.hasPrefix("tensor 3 'conv/out' has element type STRING, which edgec does not support") == true)
  }

  @Test func sparseTensor() {
    var model = TestModel.small
    model.tensors[1].sparse = true
    let error = importError(model.build().bytes)
    #expect(error?.kind == .unsupported)
    #expect(error?.message == "tensor 1 'conv/w' is sparse (it has sparsity parameters); edgec compiles only dense tensors")
  }

  @Test func tanhActivationIsNamedWithTheOperator() {
    var model = TestModel.small
    model.operators[1].options = [0: .i8(4)]
    let error = importError(model.build().bytes)
    #expect(error?.kind == .unsupported)
    #expect(error?.location.opIndex == 1)
    #expect(error?.message == "op 1 (ADD) uses fused activation TANH, which edgec does not support on this operator")
  }

  @Test func shuffledWeightsFormat() {
    var model = TestModel.small
    model.opcodes[1] = (9, 9, nil)
    model.operators[1] = TestOperator(opcodeIndex: 1, inputs: [3, 1], outputs: [4], optionsType: 8, options: [1: .i8(1)])
    let error = importError(model.build().bytes)
    #expect(error?.kind == .unsupported)
    #expect(error?.message.hasPrefix("op 1 (FULLY_CONNECTED) uses weights format SHUFFLED4x16INT8") == true)
  }

  @Test func optionsOfTheWrongUnionType() {
    var model = TestModel.small
    model.operators[0].optionsType = 5
    let error = importError(model.build().bytes)
    #expect(error?.kind == .malformedModel)
    #expect(error?.message == "op 0 (CONV_2D) carries builtin options of union type 5, expected 1 (Conv2DOptions)")
  }

  @Test func unknownPadding() {
    var model = TestModel.small
    model.operators[0].options?[0] = .i8(7)
    let error = importError(model.build().bytes)
    #expect(error?.kind == .malformedModel)
    #expect(error?.message == "op 0 (CONV_2D): padding 7 is neither SAME (0) nor VALID (1)")
  }

  @Test func otherSchemaVersion() {
    var model = TestModel.small
    model.version = 2
    let error = importError(model.build().bytes)
    #expect(error?.kind == .unsupported)
    #expect(error?.message == "the model uses TFLite schema version 2; edgec reads version 3")
  }
}
