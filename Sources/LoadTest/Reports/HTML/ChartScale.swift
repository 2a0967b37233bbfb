import Foundation

/// Maps a data interval onto a pixel interval, linearly or by logarithm, and picks
/// "nice" tick values for it (1, 2 or 5 × 10ᵏ).
///
/// Every value a chart writes into an SVG attribute goes through a scale and then
/// ``SVGNumber/format(_:)``, so a degenerate domain (empty data, one point, all
/// zeros) never yields NaN or infinity: the domain is widened first, and anything
/// non-finite that slips through is written as 0.
struct ChartScale {
    /// Linear or logarithmic (base 10).
    enum Kind { case linear, log }

    let kind: Kind
    let domain: (low: Double, high: Double)
    let range: (low: Double, high: Double)

    /// A linear scale; `low == high` or non-finite bounds become a unit interval.
    static func linear(_ low: Double, _ high: Double, to range: (Double, Double)) -> ChartScale {
        var (a, b) = (low.isFinite ? low : 0, high.isFinite ? high : 1)
        if b < a { swap(&a, &b) }
        if b - a < 1e-12 { (a, b) = a == 0 ? (0, 1) : (a - abs(a) / 2, b + abs(b) / 2) }
        return ChartScale(kind: .linear, domain: (a, b), range: range)
    }

    /// A log₁₀ scale from `low` to `high` (both clamped to ≥ 0.001; a degenerate
    /// interval becomes a decade around it).
    static func log(_ low: Double, _ high: Double, to range: (Double, Double)) -> ChartScale {
        let floorValue = 1e-3
        var a = Swift.max(floorValue, low.isFinite ? low : floorValue)
        var b = Swift.max(floorValue, high.isFinite ? high : floorValue)
        if b < a { swap(&a, &b) }
        if b / a < 1.0001 { (a, b) = (Swift.max(floorValue, a / 3.16), b * 3.16) }
        return ChartScale(kind: .log, domain: (a, b), range: range)
    }

    /// The pixel position of `value` (clamped into the range).
    func position(_ value: Double) -> Double {
        let t: Double
        switch kind {
        case .linear:
            t = (value - domain.low) / (domain.high - domain.low)
        case .log:
            let v = Swift.max(value, domain.low)
            t = (Foundation.log10(v) - Foundation.log10(domain.low))
                / (Foundation.log10(domain.high) - Foundation.log10(domain.low))
        }
        let clamped = t.isFinite ? Swift.min(1, Swift.max(0, t)) : 0
        return range.low + clamped * (range.high - range.low)
    }

    /// Tick values: about `count` nice steps for a linear scale, each decade (and 2, 5
    /// within it when there are few decades) for a log scale.
    func ticks(count: Int = 5) -> [Double] {
        switch kind {
        case .linear:
            let step = Self.niceStep((domain.high - domain.low) / Double(Swift.max(1, count)))
            var value = (domain.low / step).rounded(.up) * step
            var ticks: [Double] = []
            while value <= domain.high + step * 1e-9, ticks.count < 50 {
                ticks.append(abs(value) < step * 1e-9 ? 0 : value)
                value += step
            }
            return ticks
        case .log:
            // Whole decades when the domain spans several; 1-2-5 steps, then finer ones,
            // when it spans only a few (a 200–300 ms cluster still gets labels).
            let first = Int(Foundation.log10(domain.low).rounded(.down))
            let last = Int(Foundation.log10(domain.high).rounded(.up))
            let choices: [[Double]] = [[1], [1, 2, 5], [1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9]]
            var ticks: [Double] = []
            for multipliers in choices.dropFirst(last - first > 3 ? 0 : 1) {
                ticks = []
                for exponent in first...last {
                    for m in multipliers {
                        let value = m * Foundation.pow(10, Double(exponent))
                        if value >= domain.low * (1 - 1e-9), value <= domain.high * (1 + 1e-9) { ticks.append(value) }
                    }
                }
                if ticks.count >= 3 { break }
            }
            // A narrow cluster (every call held 15 s) holds fewer than two of those:
            // evenly spaced round values inside it instead.
            if ticks.count < 2 { return ChartScale.linear(domain.low, domain.high, to: range).ticks(count: 3) }
            return ticks
        }
    }

    /// The smallest 1, 2 or 5 × 10ᵏ at or above `raw` (1 for a non-positive input).
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = Foundation.pow(10, Foundation.log10(raw).rounded(.down))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// A nice upper bound for a linear axis starting at 0 that shows `maximum`.
    static func niceCeiling(_ maximum: Double) -> Double {
        guard maximum > 0, maximum.isFinite else { return 1 }
        let step = niceStep(maximum / 5)
        return (maximum / step).rounded(.up) * step
    }
}

/// Numbers as SVG attributes and as labels: deterministic (POSIX formatting), never
/// `nan` or `inf`.
enum SVGNumber {
    /// A coordinate with at most one decimal; non-finite values become 0.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 10).rounded() / 10
        if rounded == rounded.rounded() { return String(Int64(rounded)) }
        return String(format: "%.1f", rounded)
    }

    /// A tick or value label: `1.5k`, `250`, `12.5`, `0.25`, `0.001`.
    static func label(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return trimmed(value / 1_000_000, digits: 1) + "M" }
        if magnitude >= 10_000 { return trimmed(value / 1_000, digits: 1) + "k" }
        if magnitude >= 100 || magnitude == 0 { return String(format: "%.0f", value) }
        if magnitude >= 1 { return trimmed(value, digits: 1) }
        return trimmed(value, digits: 3)
    }

    /// A value in full for a tooltip: up to three decimals, no unit prefix (`12345.6`).
    static func exact(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        return trimmed(value, digits: 3)
    }

    /// A latency in ms for a log axis: `0.01 ms`, `500 ms`, `2 s`.
    static func milliseconds(_ value: Double) -> String {
        value >= 1_000 ? label(value / 1_000) + " s" : label(value) + " ms"
    }

    private static func trimmed(_ value: Double, digits: Int) -> String {
        var text = String(format: "%.\(digits)f", value)
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
