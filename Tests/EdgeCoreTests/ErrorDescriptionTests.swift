import EdgeCore
import Testing

/// `EdgeError.description` (what the CLI prints) names each place once: the
/// location parts the message already states are left out.
@Suite struct ErrorDescriptionTests {
  @Test func locationPartsInTheMessageAreNotRepeated() {
    let error = EdgeError(
      .malformedModel, "tensor 17 'w': shape vector at byte 37284 runs past the end of the file (53936 bytes)",
      at: ErrorLocation(file: "kws.tflite", byteOffset: 37284, tensorIndex: 17, tensorName: "w"))
    #expect(
      error.description
        == "malformed model at kws.tflite: tensor 17 'w': shape vector at byte 37284 runs past the end of the file (53936 bytes)")
  }

  @Test func aLongerNumberIsNotAMention() {
    let error = EdgeError(.invalidGraph, "op 12 (ADD) reads byte 4321", at: ErrorLocation(byteOffset: 432, opIndex: 1, opName: "ADD"))
    #expect(error.description == "invalid graph at byte 432, op 1 (ADD): op 12 (ADD) reads byte 4321")
  }

  @Test func locationAloneStillPrints() {
    #expect(EdgeError(.invalidInput, "no model file", at: ErrorLocation(file: "x.tflite")).description == "invalid input at x.tflite: no model file")
    #expect(EdgeError(.unsupported, "no location").description == "unsupported: no location")
  }
}
