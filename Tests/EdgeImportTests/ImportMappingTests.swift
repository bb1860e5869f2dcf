import EdgeCore
import Testing

@testable import EdgeImport

func importError(_ bytes: [UInt8]) -> EdgeError? {
  do {
    _ = try importModel(bytes: bytes, name: "test")
    return nil
  } catch let error as EdgeError {
    return error
  } catch {
    Issue.record("not an EdgeError: \(error)")
    return nil
  }
}

@Suite struct ImportMappingTests {
  @Test func smallModelMapsEveryField() throws {
    let graph = try importModel(bytes: TestModel.small.build().bytes, name: "small")
    #expect(graph.name == "small")
    #expect(graph.tensors.map(\.name) == ["input", "conv/w", "conv/b", "conv/out", "sum"])
    #expect(graph.tensors[0].shape == Shape([1, 4, 4, 2]))
    #expect(graph.tensors[0].type == .float32)
    #expect(graph.tensors[0].data == nil)
    #expect(graph.tensors[1].data == TestModel.floats([1, 2, 3, 4, 5, 6]))
    #expect(graph.tensors[2].data == TestModel.floats([0.5, -0.5, 0]))
    #expect(graph.inputs == [0])
    #expect(graph.outputs == [4])
    #expect(graph.operators.map(\.kind) == [.conv2D, .add])
    #expect(graph.operators[0].inputs == [0, 1, 2])
    #expect(graph.operators[0].outputs == [3])
    #expect(
      graph.operators[0].options
        == .conv2D(Conv2DOptions(padding: .same, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, activation: .relu)))
    #expect(graph.operators[1].options == .activation(.none))
  }

  @Test func quantizationPerAxisAndAbsentZeroPoints() throws {
    var model = TestModel.small
    model.tensors[1].scales = [0.5, 0.25, 0.125]
    model.tensors[1].quantizedDimension = 0
    model.tensors[3].scales = [0.1]
    model.tensors[3].zeroPoints = [-3]
    model.tensors[4].scales = []  // an empty scale vector means "not quantized"
    let graph = try importModel(bytes: model.build().bytes, name: "q")
    #expect(graph.tensors[1].quantization == Quantization(scales: [0.5, 0.25, 0.125], zeroPoints: [0, 0, 0], axis: 0))
    #expect(graph.tensors[3].quantization == Quantization(scales: [0.1], zeroPoints: [-3], axis: 0))
    #expect(graph.tensors[4].quantization == nil)
    #expect(graph.tensors[0].quantization == nil)
  }

  @Test func opcodeIsTheLargerOfTheTwoCodeFields() throws {
    var model = TestModel.small
    // A new-style file: deprecated code 127 (placeholder), real code 3 in builtin_code…
    model.opcodes[0] = (3, 0, nil)  // …and an old-style one: only the deprecated field.
    model.opcodes[1] = (0, 0, nil)
    #expect(try importModel(bytes: model.build().bytes, name: "m").operators.map(\.kind) == [.conv2D, .add])
    model.opcodes[1] = (127, 145, nil)  // 145 is BROADCAST_ARGS
    model.operators[1].options = nil
    let graph = try importModel(bytes: model.build().bytes, name: "m")
    #expect(graph.operators[1].kind == .other("BROADCAST_ARGS"))
    #expect(graph.unsupportedOperators.map(\.index) == [1])
  }

  @Test func customAndUnknownOperatorsAreNamed() throws {
    var model = TestModel.small
    model.opcodes[1] = (32, 32, "TFLite_Detection_PostProcess")
    #expect(try importModel(bytes: model.build().bytes, name: "m").operators[1].kind == .other("CUSTOM(TFLite_Detection_PostProcess)"))
    model.opcodes[1] = (0, 4000, nil)
    #expect(try importModel(bytes: model.build().bytes, name: "m").operators[1].kind == .other("UNKNOWN_BUILTIN(4000)"))
  }

  @Test func builtinNameTableMatchesTheSchema() {
    #expect(builtinOperatorNames.count == 210)
    #expect(builtinOperatorNames[0] == "ADD")
    #expect(builtinOperatorNames[32] == "CUSTOM")
    #expect(builtinOperatorNames[127] == "PLACEHOLDER_FOR_GREATER_OP_CODES")
    #expect(builtinOperatorNames[129] == "CALL_ONCE")
    #expect(builtinOperatorNames[209] == "STABLEHLO_CASE")
  }

  @Test func optionDefaultsFollowTheSchema() throws {
    var model = TestModel.small
    // Conv2DOptions with only the strides: padding SAME, dilation 1, activation NONE.
    model.operators[0].options = [1: .i32(2), 2: .i32(2)]
    model.tensors[3].shape = [1, 2, 2, 3]
    model.tensors[4].shape = [1, 2, 2, 3]
    let graph = try importModel(bytes: model.build().bytes, name: "m")
    #expect(graph.operators[0].options == .conv2D(Conv2DOptions(padding: .same, strideH: 2, strideW: 2)))
  }

  @Test func absentOptionsGiveZeroStridesThatTheVerifierRejects() {
    var model = TestModel.small
    model.operators[0].options = nil
    let error = importError(model.build().bytes)
    #expect(error?.kind == .invalidGraph)
    #expect(error?.location.opIndex == 0)
    #expect(error?.message == "op 0 (CONV_2D): stride_h is 0, must be between 1 and 2147483647")
  }

  @Test func bufferStoredAfterTheFlatbuffer() throws {
    var model = TestModel.small
    model.externalBuffers[1] = TestModel.floats([6, 5, 4, 3, 2, 1])
    model.buffers[1] = nil
    let built = model.build()
    let graph = try importModel(bytes: built.bytes, name: "ext")
    #expect(graph.tensors[1].data == TestModel.floats([6, 5, 4, 3, 2, 1]))
    #expect(graph.tensors[2].data == TestModel.floats([0.5, -0.5, 0]))
  }

  @Test func modelNamesAreCIdentifiers() {
    #expect(modelName(fromPath: "../shared/models/mlperf-tiny/kws_int8.tflite") == "kws_int8")
    #expect(modelName(fromPath: "my model-v2.tflite") == "my_model_v2")
    #expect(modelName(fromPath: "/tmp/3net.tflite") == "m_3net")
    #expect(modelName(fromPath: "net.v1.tflite") == "net_v1")
    #expect(modelName(fromPath: "modèle.tflite") == "mod_le")
    #expect(modelName(fromPath: ".tflite") == "model")
  }

  @Test func missingFileIsInvalidInputNamingThePath() {
    do {
      _ = try loadModel(path: "/nonexistent/dir/x.tflite")
      Issue.record("loaded a missing file")
    } catch let error as EdgeError {
      #expect(error.kind == .invalidInput)
      #expect(error.location.file == "/nonexistent/dir/x.tflite")
    } catch {
      Issue.record("not an EdgeError: \(error)")
    }
  }

  @Test func callOnceInitializerSubgraphsAreAccepted() throws {
    var model = TestModel.small
    model.opcodes.append((127, 129, nil))
    // CALL_ONCE at the start, running subgraph 1 (an empty initializer).
    model.operators.insert(
      TestOperator(opcodeIndex: 2, inputs: [], outputs: [], optionsType: 103, options: [0: .i32(1)]), at: 0)
    model.extraSubgraphs = [.table([4: .string("init")])]
    let graph = try importModel(bytes: model.build().bytes, name: "m")
    // CALL_ONCE goes at import: what it initialises becomes Graph.variables.
    #expect(graph.operators.map(\.kind) == [.conv2D, .add])
    #expect(graph.variables.isEmpty)

    model.extraSubgraphs.append(.table([4: .string("while_body")]))
    let error = importError(model.build().bytes)
    #expect(error?.kind == .unsupported)
    #expect(error?.message.hasPrefix("the model has 3 subgraphs; edgec compiles a single subgraph") == true)
    #expect(error?.message.contains("subgraph 2 is not an initializer") == true)
  }

  @Test func twoSubgraphsWithoutCallOnceAreUnsupported() {
    var model = TestModel.small
    model.extraSubgraphs = [.table([4: .string("other")])]
    let error = importError(model.build().bytes)
    #expect(error?.kind == .unsupported)
    #expect(error?.message.contains("the model has 2 subgraphs") == true)
  }
}

extension ImportMappingTests {
  /// A resource variable without a CALL_ONCE initialiser: edgec would not
  /// know what `<model>_reset` restores, so the VAR_HANDLE is unsupported.
  @Test func variableWithoutAnInitialiserIsUnsupported() {
    var model = TestModel.small
    model.opcodes += [(127, 142, nil), (127, 143, nil)]  // VAR_HANDLE, READ_VARIABLE
    model.tensors += [TestTensor(name: "Variable", shape: [], type: 13), TestTensor(name: "value", shape: [1, 4, 4, 2])]
    model.operators.insert(contentsOf: [
      TestOperator(opcodeIndex: 2, inputs: [], outputs: [5]),
      TestOperator(opcodeIndex: 3, inputs: [5], outputs: [6]),
    ], at: 0)
    model.operators[2].inputs[0] = 6
    model.inputs = []
    let error = importError(model.build().bytes)
    #expect(error?.kind == .unsupported)
    #expect(error?.location.opIndex == 0)
    #expect(
      error?.message == "op 0 (VAR_HANDLE): variable '' has no initial value (no CALL_ONCE initialiser assigns it a "
        + "constant); edgec needs one to know what `<model>_reset` restores")
  }
}
