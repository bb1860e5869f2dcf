import EdgeCore
import Foundation
import Testing

@testable import EdgePlan

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The memory timeline picture: well-formed XML, one box per buffer at the
/// place the plan says, labels that fit, the same bytes every time.
struct PlanSVGTests {
  /// Elements and the attributes of the buffer boxes, as an XML parser sees them.
  final class Collector: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    var buffers: [[String: String]] = []
    var texts: [String] = []
    private var inText = false

    func parser(
      _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
      qualifiedName: String?, attributes: [String: String] = [:]
    ) {
      elements[name, default: 0] += 1
      if name == "rect" && attributes["class"] == "buffer" { buffers.append(attributes) }
      if name == "text" {
        inText = true
        texts.append("")
      }
    }

    func parser(
      _ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?
    ) {
      if name == "text" { inText = false }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      if inText, !texts.isEmpty { texts[texts.count - 1] += string }
    }
  }

  func parse(_ svg: String) throws -> Collector {
    let parser = XMLParser(data: Data(svg.utf8))
    let collector = Collector()
    parser.delegate = collector
    #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    return collector
  }

  /// The diamond of PlanOutputTests: a(256) b(512) c(500) d "sum"(256) and
  /// e, a view of d. Four buffers; e is drawn in d's box.
  func diamond() throws -> (graph: Graph, plan: MemoryPlan) {
    var g = GraphBuilder()
    let a = g.input("a", bytes: 256)
    let b = g.op(.conv2D, [a], "model/block_1/conv/Relu;model/block_1/bn", bytes: 512)
    let c = g.op(.conv2D, [b], "c", bytes: 500)
    let d = g.op(.add, [a, c], "d \"sum\" <&>", bytes: 256)
    let e = g.op(.reshape, [d], "e", bytes: 256)
    g.outputs = [e]
    return (g.graph, try planMemory(g.graph, aliases: [e: d]))
  }

  /// Geometry by hand: 4 steps over 684 px from x = 96 (171 px each); the
  /// arena 1280 plus 7% headroom rounds up to 1400 at ticks of 200, over
  /// 440 px from y = 62 + 16 (one note line). b (offset 0, 512 bytes, steps
  /// 0-1): x 96, width 342, height 512 * 440 / 1400 = 160.9, top 518 - 160.9.
  @Test func boxesSitWhereThePlanSays() throws {
    let (graph, plan) = try diamond()
    let svg = plan.svg(graph: graph, title: "diamond", notes: ["one note"])
    let parsed = try parse(svg)
    #expect(parsed.buffers.map { $0["data-tensor"] } == ["0", "1", "2", "3"])
    let b = parsed.buffers[1]
    #expect([b["x"], b["y"], b["width"], b["height"]] == ["96", "357.1", "342", "160.9"])
    #expect(parsed.buffers.map { $0["fill"] } == ["#9ecae1", "#fdd0a2", "#fdd0a2", "#a1d99b"])
    #expect(parsed.elements["svg"] == 1)
    #expect(parsed.elements["polyline"] == 1)
    #expect(parsed.elements["circle"] == 1)
    // d's box holds its view e too, whose output kind colours it.
    #expect(parsed.texts.contains("model/block_1/conv/Relu"))  // the first fused name
    #expect(parsed.texts.contains("d \"sum\" <&>"))
    #expect(parsed.texts.contains("arena 1,280 B"))
    #expect(parsed.texts.contains("peak 1,280 B at step 1"))
    #expect(parsed.texts.first == "diamond")
    #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
    #expect(svg.hasSuffix("</svg>\n"))
    #expect(plan.svg(graph: graph, title: "diamond", notes: ["one note"]) == svg)
  }

  @Test func liveBytesAreTheLowerBoundProfile() throws {
    let (graph, plan) = try diamond()
    // Steps: a+b, a+b+c, a+c+d, d(+e) — reserved sizes 256, 512, 512, 256.
    #expect(plan.liveBytesPerStep(in: graph) == [768, 1280, 1024, 256])
    #expect(
      plan.timelineBuffers(in: graph).map(\.kind) == [.input, .activation, .activation, .output])
    #expect(plan.timelineBuffers(in: graph)[3].members == [3, 4])
  }

  /// Random DAGs, stored and scheduled: parseable, one box per buffer, the
  /// bound line exactly when there is fragmentation.
  @Test func randomPlansDrawOneBoxPerBuffer() throws {
    for seed in UInt64(50_001)...50_060 {
      var rng = SplitMix64(seed: seed)
      let c = RandomCase(&rng, chain: false)
      let plan = try planScheduledMemory(c.graph, aliases: c.aliases, alignment: 16)
      let svg = plan.svg(graph: c.graph, title: "seed \(seed)")
      let parsed = try parse(svg)
      #expect(parsed.buffers.count == Set(plan.tensors.map(\.buffer)).count, "seed \(seed)")
      #expect(parsed.texts.contains("lower bound") == (plan.fragmentationBytes > 0), "seed \(seed)")
    }
  }

  @Test func namesAreShortenedToTheLayer() {
    let name = "model/activation_3/Relu;model/batch_normalization_3/FusedBatchNormV3"
    #expect(SVGText.shortName(name, limit: 30) == "model/activation_3/Relu")
    #expect(SVGText.shortName(name, limit: 20) == "activation_3/Relu")
    #expect(SVGText.shortName(name, limit: 12) == "activation_3")
    #expect(SVGText.shortName(name, limit: 9) == "…vation_3")
    #expect(SVGText.shortName(name, limit: 7) == nil)
    #expect(SVGText.bytes(18_432, limit: 8) == "18,432 B")
    #expect(SVGText.bytes(18_432, limit: 6) == "18.4k")
    #expect(SVGText.bytes(18_432, limit: 4) == nil)
    #expect(SVGText.number(-3.25) == "-3.3")
    #expect(SVGText.tickStep(for: 49_152, count: 8) == 10_000)
  }

  @Test func emptyPlanStillDraws() throws {
    let graph = Graph(name: "empty", tensors: [], operators: [], inputs: [], outputs: [])
    let parsed = try parse(try planMemory(graph).svg(graph: graph, title: "empty"))
    #expect(parsed.buffers.isEmpty)
  }
}
