@testable import LoadTest
import Testing

/// The chart toolkit never writes NaN or infinity, whatever the data: empty, one
/// point, all equal, gaps, or non-finite input.
@Suite struct SVGChartTests {
    typealias Points = [(x: Double, y: Double?)]

    static let lineCases: [(String, Points)] = [
        ("no points", []),
        ("one point", [(1, 5)]),
        ("one point at zero", [(0, 0)]),
        ("all values nil", [(1, nil), (2, nil)]),
        ("all zeros", [(1, 0), (2, 0), (3, 0)]),
        ("constant non-zero", [(1, 7), (2, 7)]),
        ("gap in the middle", [(1, 3), (2, nil), (3, 4), (4, 5)]),
        ("NaN and infinity in the input", [(1, .nan), (2, .infinity), (.nan, 3), (4, 2)]),
        ("huge values", [(1, 1e12), (2, 3e12)]),
        ("negative x", [(-3, 1), (0, 2)]),
    ]

    @Test(arguments: lineCases.indices)
    func lineChartIsAlwaysFinite(_ index: Int) {
        let (name, points) = Self.lineCases[index]
        let chart = LineChart(
            title: name, yUnit: "calls/s", xUnit: "s", series: [.init(name: "a", color: "#000", points: points)])
        let svg = chart.svg()
        #expect(SVGAttributes.bad(in: svg).isEmpty, "\(name): \(SVGAttributes.bad(in: svg))")
        #expect(!SVGAttributes.numbers(in: svg).isEmpty)
        #expect(svg.hasSuffix("</svg>\n"))
    }

    @Test func theCheckerCatchesNonFiniteNumbers() {
        let bad = SVGAttributes.bad(in: #"<svg viewBox="0 0 10 10"><rect x="nan" y="1" width="-inf" height=""/><polyline points="1,2 3,NaN"/></svg>"#)
        #expect(bad == ["x=nan", "width=-inf", "points=NaN"])
    }

    @Test func aSinglePointIsDrawnAsADot() {
        let svg = LineChart(title: "t", yUnit: "", xUnit: "s", series: [.init(name: "a", color: "#123", points: [(1, 5)])]).svg()
        #expect(svg.contains("<circle"))
        #expect(!svg.contains("<polyline"))
    }

    @Test func aGapSplitsTheLine() {
        let points: Points = [(1, 3), (2, 4), (3, nil), (4, 5), (5, 6)]
        let svg = LineChart(title: "t", yUnit: "", xUnit: "s", series: [.init(name: "a", color: "#123", points: points)]).svg()
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
    }

    static let histogramCases: [(String, [Int64])] = [
        ("empty", []),
        ("one value", [250_000]),
        ("zero µs", [0]),
        ("all equal", [1_000, 1_000, 1_000]),
        ("1 µs to an hour", [1, 1_000, 1_000_000, 3_600_000_000]),
    ]

    @Test(arguments: histogramCases.indices)
    func histogramIsAlwaysFinite(_ index: Int) {
        let (name, values) = Self.histogramCases[index]
        var histogram = LatencyHistogram()
        for value in values { histogram.record(microseconds: value) }
        let svg = HistogramChart(title: name, histogram: histogram).svg()
        #expect(SVGAttributes.bad(in: svg).isEmpty, "\(name): \(SVGAttributes.bad(in: svg))")
        #expect(svg.contains("no data") == values.isEmpty)
    }

    @Test func histogramBinsKeepEveryCount() {
        var histogram = LatencyHistogram()
        for value in stride(from: Int64(90_000), to: 2_000_000, by: 7_919) { histogram.record(microseconds: value) }
        let bins = HistogramChart.bins(histogram)
        #expect(bins.reduce(0) { $0 + $1.count } == histogram.count)
        #expect(zip(bins, bins.dropFirst()).allSatisfy { abs($0.high - $1.low) < 1e-9 * $1.low }, "bins are contiguous")
    }

    static let barCases: [(String, [BarChart.Bar])] = [
        ("no bars", []),
        ("all zero", [.init(label: "answered", value: 0, color: "#000"), .init(label: "failed", value: 0, color: "#000")]),
        ("one bar", [.init(label: "NORMAL_CLEARING", value: 12, color: "#000")]),
        ("a long label", [.init(label: String(repeating: "X", count: 80), value: 3, color: "#000")]),
    ]

    @Test(arguments: barCases.indices)
    func barChartIsAlwaysFinite(_ index: Int) {
        let (name, bars) = Self.barCases[index]
        let svg = BarChart(title: name, bars: bars).svg()
        #expect(SVGAttributes.bad(in: svg).isEmpty, "\(name): \(SVGAttributes.bad(in: svg))")
    }

    @Test func labelsAreEscaped() {
        let svg = BarChart(title: "a <b> & \"c\"", bars: [.init(label: "<script>", value: 1, color: "#000")]).svg()
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;script&gt;"))
        #expect(svg.contains("a &lt;b&gt; &amp; &quot;c&quot;"))
    }

    static let niceSteps: [(raw: Double, step: Double)] = [
        (0.7, 1),  // rounds up to the next 1-2-5
        (1, 1),
        (1.2, 2),
        (3, 5),
        (7, 10),
        (42, 50),
        (0.013, 0.02),
        (0, 1),  // degenerate: a unit step
        (-.infinity, 1),
    ]

    @Test(arguments: niceSteps.indices)
    func niceStep(_ index: Int) {
        let (raw, step) = Self.niceSteps[index]
        #expect(abs(ChartScale.niceStep(raw) - step) < 1e-12)
    }

    @Test func degenerateScalesStayFinite() {
        for scale in [
            ChartScale.linear(5, 5, to: (0, 100)), ChartScale.linear(.nan, .infinity, to: (0, 100)),
            ChartScale.log(0, 0, to: (0, 100)), ChartScale.log(3, 3, to: (0, 100)),
        ] {
            #expect(scale.ticks().allSatisfy { $0.isFinite })
            #expect(!scale.ticks().isEmpty)
            for value in [-1.0, 0, 1, 1e9, .nan, .infinity] { #expect(scale.position(value).isFinite) }
        }
    }

    @Test func logTicksLabelAShortRange() {
        // A 200–300 ms cluster still gets at least three labelled ticks.
        #expect(ChartScale.log(180, 330, to: (0, 100)).ticks().count >= 3)
        #expect(ChartScale.log(0.5, 50_000, to: (0, 100)).ticks() == [1, 10, 100, 1_000, 10_000])
    }
}
