import Foundation

/// A latency histogram as inline SVG, on a logarithmic time axis (latencies spread
/// over decades: a 20 ms answer and a 30 s timeout both belong on one chart), with the
/// p50, p95 and p99 marked.
///
/// The ``LatencyHistogram``'s own buckets (128 per power of two) are far finer than a
/// screen, so they are regrouped into display bins of 1/b of a decade (10^(k/b) ms),
/// b chosen so the data spans about 40 bins (10 ≤ b ≤ 100); a bucket goes to the bin
/// holding its midpoint.
struct HistogramChart {
    var title: String
    var histogram: LatencyHistogram
    var color = HTMLPage.Color.bar
    var width = 560.0
    var height = 240.0

    private let left = 48.0, right = 14.0, top = 44.0, bottom = 30.0
    /// Display bins per decade for values from `low` to `high` ms: about 40 bins over
    /// the data, between 10 and 100 a decade (a bucket of the histogram is 1/128 of an
    /// octave, about 1/425 of a decade, so bins stay coarser than buckets).
    static func binsPerDecade(low: Double, high: Double) -> Double {
        let span = log10(Swift.max(high, 0.001) / Swift.max(low, 0.001))
        guard span.isFinite, span > 0 else { return 100 }
        return Swift.min(100, Swift.max(10, (40 / span).rounded()))
    }

    /// The display bins: (low ms, high ms, count), in increasing order, empty ones kept
    /// between the first and the last non-empty bin.
    static func bins(_ histogram: LatencyHistogram) -> [(low: Double, high: Double, count: Int64)] {
        guard histogram.count > 0 else { return [] }
        let binsPerDecade = binsPerDecade(low: Double(histogram.min) / 1_000, high: Double(histogram.max) / 1_000)
        var byIndex: [Int: Int64] = [:]
        for bucket in histogram.buckets {
            let midpointMs = Swift.max(0.001, (Double(bucket.low) + Double(bucket.high)) / 2 / 1_000)
            let index = Int((log10(midpointMs) * binsPerDecade).rounded(.down))
            byIndex[index, default: 0] += bucket.count
        }
        guard let first = byIndex.keys.min(), let last = byIndex.keys.max() else { return [] }
        return (first...last).map { index in
            (pow(10, Double(index) / binsPerDecade), pow(10, Double(index + 1) / binsPerDecade), byIndex[index] ?? 0)
        }
    }

    /// The `<svg>` element.
    func svg() -> String {
        let bins = Self.bins(histogram)
        let low = bins.first?.low ?? 1, high = bins.last?.high ?? 1_000
        let pad = pow(10, Swift.max(0.03, log10(high / low) * 0.08))
        let xScale = ChartScale.log(low / pad, high * pad, to: (left, width - right))
        let yScale = ChartScale.linear(
            0, ChartScale.niceCeiling(Double(bins.map(\.count).max() ?? 0)), to: (height - bottom, top))
        var out = SVGText.open(width: width, height: height, label: title)
        out += SVGText.title(title, x: left, y: 14)
        for tick in yScale.ticks(count: 4) {
            let y = yScale.position(tick)
            out += SVGText.line(left, y, width - right, y, attributes: #"class="grid-line""#)
            out += SVGText.text(SVGNumber.label(tick), x: left - 6, y: y + 4, anchor: "end")
        }
        out += SVGText.text("calls", x: 4, y: top - 10, anchor: "start")
        var lastLabel = -Double.infinity
        for tick in xScale.ticks() {
            let x = xScale.position(tick)
            // Fine log ticks crowd at the low end of a decade (90, 100 ms): skip a label
            // that would touch the previous one.
            guard x - lastLabel >= 48 else { continue }
            lastLabel = x
            out += SVGText.line(x, height - bottom, x, height - bottom + 4, attributes: #"class="axis""#)
            out += SVGText.text(SVGNumber.milliseconds(tick), x: x, y: height - bottom + 16, anchor: "middle")
        }
        for bin in bins where bin.count > 0 {
            let x0 = xScale.position(bin.low), x1 = xScale.position(bin.high)
            let y = yScale.position(Double(bin.count))
            out += SVGText.rect(
                x: x0 + 0.5, y: y, width: x1 - x0 - 1, height: height - bottom - y, fill: color,
                tooltip: "\(SVGNumber.milliseconds(bin.low))–\(SVGNumber.milliseconds(bin.high)): \(bin.count)")
        }
        out += SVGText.line(left, height - bottom, width - right, height - bottom, attributes: #"class="axis""#)
        out += SVGText.line(left, top, left, height - bottom, attributes: #"class="axis""#)
        out += markers(xScale)
        if bins.isEmpty {
            out += SVGText.text("no data", x: (left + width - right) / 2, y: (top + height - bottom) / 2, anchor: "middle")
        }
        return out + "</svg>\n"
    }

    /// Dashed verticals at p50, p95 and p99, labelled in the legend row.
    private func markers(_ xScale: ChartScale) -> String {
        let marks: [(String, Double, String)] = [
            ("p50", 50, HTMLPage.Color.p50), ("p95", 95, HTMLPage.Color.p95), ("p99", 99, HTMLPage.Color.p99),
        ]
        var out = ""
        var legendX = left
        for (name, percentile, color) in marks {
            guard let value = histogram.value(atPercentile: percentile) else { continue }
            let ms = Double(value) / 1_000
            let x = xScale.position(Swift.max(ms, 0.001))
            out += SVGText.line(
                x, top, x, height - bottom, attributes: #"stroke="\#(color)" stroke-width="1.5" stroke-dasharray="4 3""#)
            let label = "\(name) \(SVGNumber.milliseconds(ms))"
            out += SVGText.line(legendX, 30, legendX + 14, 30, attributes: #"stroke="\#(color)" stroke-width="2" stroke-dasharray="4 3""#)
            out += SVGText.text(label, x: legendX + 18, y: 34, anchor: "start")
            legendX += 30 + Double(label.count) * 6.4
        }
        return out
    }
}
