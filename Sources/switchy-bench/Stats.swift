/// The spread of one figure over its repetitions: min, median and max.
struct Stats: Sendable, Equatable {
    let samples: [Double]

    /// - Precondition: at least one sample.
    init(_ samples: [Double]) {
        precondition(!samples.isEmpty, "a figure needs at least one sample")
        self.samples = samples.sorted()
    }

    var min: Double { samples[0] }
    var max: Double { samples[samples.count - 1] }

    /// The middle sample; the mean of the two middle ones for an even count.
    var median: Double {
        let middle = samples.count / 2
        return samples.count % 2 == 1 ? samples[middle] : (samples[middle - 1] + samples[middle]) / 2
    }
}

/// One reported figure: its JSON key, its unit, and its samples.
struct Figure: Sendable {
    let key: String
    let unit: String
    let stats: Stats
    /// The goal as text (`≥ 0.5`), and whether the median meets it; nil: no goal.
    let goal: Goal?

    struct Goal: Sendable {
        enum Direction: Sendable { case atLeast, atMost }
        let direction: Direction
        let value: Double

        func isMet(by value: Double) -> Bool {
            switch direction {
            case .atLeast: value >= self.value
            case .atMost: value <= self.value
            }
        }

        var text: String { (direction == .atLeast ? "≥ " : "≤ ") + Format.number(value) }
    }
}

/// Number formatting for the human output and the JSON object.
enum Format {
    /// `12,345` for large numbers, 3 significant decimals for small ones.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if abs(value.rounded()) >= 1000 {
            let digits = String(Int(value.rounded()))
            var out = ""
            for (index, character) in digits.reversed().enumerated() {
                if index > 0, index % 3 == 0, character != "-" { out.append(",") }
                out.append(character)
            }
            return String(out.reversed())
        }
        if abs(value) >= 100 { return String(Int(value.rounded())) }
        if abs(value) >= 10 { return trimmed(value, places: 1) }
        return trimmed(value, places: 3)
    }

    /// A JSON number: integers without a fraction, others with up to 4 decimals.
    static func json(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return trimmed(value, places: 4)
    }

    private static func trimmed(_ value: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = "\(rounded)"
        if text.contains("e") { return text }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
