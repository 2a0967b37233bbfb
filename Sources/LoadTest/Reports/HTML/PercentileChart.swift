import Foundation

/// Latency by percentile, as HdrHistogram plots it: the x axis counts "nines"
/// (−log10(1 − p/100): 0 at p0, 1 at p90, 2 at p99, 3 at p99.9 …), so the tail a
/// histogram's linear count axis hides takes as much room as the bulk. One line per
/// latency, up to the finest percentile its count resolves (1 − p/100 ≥ 1/count), then
/// its maximum; every point carries its exact value.
struct PercentileChart {
    var title: String
    /// (name, colour, histogram) per line.
    var lines: [(name: String, color: String, histogram: LatencyHistogram)]
    var width = 560.0
    var height = 250.0

    private let left = 48.0, right = 14.0, top = 44.0, bottom = 30.0

    /// The percentiles drawn, before the resolution cut.
    static let percentiles: [Double] = [0, 25, 50, 75, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99, 99.995, 99.999]

    /// Nines of percentile `p` (0…100).
    static func nines(_ p: Double) -> Double { -log10(Swift.max(1e-9, 1 - p / 100)) }

    /// The points of one histogram: (percentile, nines, ms), then its maximum at the
    /// nines its count resolves.
    static func points(_ histogram: LatencyHistogram) -> [(percentile: Double, nines: Double, ms: Double)] {
        guard histogram.count > 0 else { return [] }
        let finest = nines(100 * (1 - 1 / Double(histogram.count)))
        var points: [(Double, Double, Double)] = []
        for p in percentiles where nines(p) <= finest + 1e-9 {
            if let value = histogram.value(atPercentile: p) { points.append((p, nines(p), Double(value) / 1_000)) }
        }
        // Then the maximum, at the finest nines (straight up from the last percentile
        // when that is where it stands).
        let max = Double(histogram.max) / 1_000
        if let last = points.last, max > last.2 { points.append((100, finest, max)) }
        return points
    }

    /// The `<svg>` element.
    func svg() -> String {
        let all = lines.map { (line: $0, points: Self.points($0.histogram)) }
        let maxNines = Swift.max(1, (all.flatMap { $0.points.map(\.nines) }.max() ?? 1).rounded(.up))
        let maxMs = all.flatMap { $0.points.map(\.ms) }.max() ?? 0
        let xScale = ChartScale.linear(0, maxNines, to: (left, width - right))
        let yScale = ChartScale.linear(0, ChartScale.niceCeiling(maxMs), to: (height - bottom, top))
        var out = SVGText.open(width: width, height: height, label: title)
        out += SVGText.title(title, x: left, y: 14)
        var legendX = left
        for (line, points) in all where !points.isEmpty {
            out += SVGText.line(legendX, 30, legendX + 18, 30, attributes: #"stroke="\#(line.color)" stroke-width="2.5""#)
            out += SVGText.text(line.name, x: legendX + 23, y: 34, anchor: "start")
            legendX += 34 + Double(line.name.count) * 6.6
        }
        for tick in yScale.ticks(count: 4) {
            let y = yScale.position(tick)
            out += SVGText.line(left, y, width - right, y, attributes: #"class="grid-line""#)
            out += SVGText.text(SVGNumber.label(tick), x: left - 6, y: y + 4, anchor: "end")
        }
        out += SVGText.text("ms", x: 4, y: top - 10, anchor: "start")
        for nines in 0...Int(maxNines) {
            let x = xScale.position(Double(nines))
            out += SVGText.line(x, height - bottom, x, height - bottom + 4, attributes: #"class="axis""#)
            out += SVGText.text(Self.percentileLabel(nines), x: x, y: height - bottom + 16, anchor: "middle")
        }
        out += SVGText.line(left, height - bottom, width - right, height - bottom, attributes: #"class="axis""#)
        out += SVGText.line(left, top, left, height - bottom, attributes: #"class="axis""#)
        for (line, points) in all.reversed() where !points.isEmpty {
            let coordinates = points.map { SVGNumber.format(xScale.position($0.nines)) + "," + SVGNumber.format(yScale.position($0.ms)) }
            out += #"<polyline fill="none" stroke="\#(line.color)" stroke-width="1.8" stroke-linejoin="round" points="\#(coordinates.joined(separator: " "))"/>"#
                + "\n"
            for point in points {
                let name = point.percentile == 100 ? "max" : "p" + SVGNumber.exact(point.percentile)
                let label = "\(line.name) \(name): \(SVGNumber.exact(point.ms)) ms"
                out += #"<circle cx="\#(SVGNumber.format(xScale.position(point.nines)))" cy="\#(SVGNumber.format(yScale.position(point.ms)))" r="2.5" fill="\#(line.color)"><title>\#(HTMLPage.escape(label))</title></circle>"#
                    + "\n"
            }
        }
        if all.allSatisfy(\.points.isEmpty) {
            out += SVGText.text("no data", x: (left + width - right) / 2, y: (top + height - bottom) / 2, anchor: "middle")
        }
        return out + "</svg>\n"
    }

    /// `0%`, `90%`, `99%`, `99.9%` … for 0, 1, 2, 3 nines.
    static func percentileLabel(_ nines: Int) -> String {
        switch nines {
        case ...0: "0%"
        case 1: "90%"
        case 2: "99%"
        default: "99." + String(repeating: "9", count: nines - 2) + "%"
        }
    }
}
