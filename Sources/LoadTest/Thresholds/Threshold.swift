/// A pass/fail rule over a run's metrics: `"answer_ms.p99 < 500"`,
/// `"achieved_rate >= 0.99 * target_rate"`, `"failed == 0"`.
///
/// Grammar (parsed here, evaluated by ``evaluate(_:)`` against a ``MetricSource``):
///
///     threshold  := expression comparison expression
///     comparison := "<" | "<=" | ">" | ">=" | "==" | "!="
///     expression := term (("+" | "-") term)*
///     term       := factor (("*" | "/") factor)*
///     factor     := number | metric | "(" expression ")" | "-" factor
///     metric     := name ("." statistic)?       e.g. asr, answer_ms.p99, pdd_ms.p99.9
public struct Threshold: Sendable, Equatable, CustomStringConvertible {
    /// The text as written.
    public let text: String
    let left: Expression
    let comparison: Comparison
    let right: Expression

    enum Comparison: String, Sendable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="

        func holds(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .less: a < b
            case .lessOrEqual: a <= b
            case .greater: a > b
            case .greaterOrEqual: a >= b
            case .equal: abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
            case .notEqual: !Comparison.equal.holds(a, b)
            }
        }
    }

    indirect enum Expression: Sendable, Equatable {
        case number(Double)
        case metric(String)
        case negate(Expression)
        case binary(Expression, Character, Expression)

        var metrics: [String] {
            switch self {
            case .number: []
            case .metric(let name): [name]
            case .negate(let inner): inner.metrics
            case .binary(let a, _, let b): a.metrics + b.metrics
            }
        }
    }

    /// Why a threshold could not be read.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The threshold as written.
        public var text: String
        /// What is wrong, for a person.
        public var reason: String
        public var description: String { "threshold \"\(text)\": \(reason)" }
    }

    /// The rules of a run without thresholds, as written: SIPp's rule — the run passes
    /// only when every offered call was answered, none was dropped and none lost. A
    /// profile that expects rejections or timeouts says so with thresholds of its own,
    /// and is then judged by those alone.
    public static let defaultRules = ["asr == 1", "dropped == 0", "lost == 0"]

    /// ``defaultRules``, parsed.
    public static var defaults: [Threshold] { defaultRules.compactMap { try? Threshold($0) } }

    public var description: String { text }

    /// The metric names the threshold reads.
    public var metrics: [String] { left.metrics + right.metrics }

    /// Parses `text` and checks every metric name against `MetricSource.known`.
    public init(_ text: String) throws(ParseError) {
        var parser = ThresholdParser(text: text)
        (left, comparison, right) = try parser.parse()
        self.text = text
        for name in left.metrics + right.metrics where !MetricSource.isKnown(name) {
            throw ParseError(text: text, reason: MetricSource.unknownReason(name))
        }
    }

    /// The verdict against `metrics`. A metric without data (no answered call for
    /// `answer_ms.p99`) fails the threshold: a rule that cannot be checked is not met.
    public func evaluate(_ metrics: MetricSource) -> ThresholdVerdict {
        let measuredLeft = value(left, metrics)
        let measuredRight = value(right, metrics)
        guard let a = measuredLeft, let b = measuredRight else {
            let missing = (left.metrics + right.metrics).filter { metrics.value($0) == nil }
            return ThresholdVerdict(
                expression: text, passed: false, measured: measuredLeft,
                message: "no data for \(missing.joined(separator: ", ")) in this run")
        }
        let passed = comparison.holds(a, b)
        return ThresholdVerdict(
            expression: text, passed: passed, measured: a,
            message: passed
                ? "\(describe(left)) was \(format(a)), \(comparison.rawValue) \(format(b))"
                : "\(describe(left)) was \(format(a)), expected \(comparison.rawValue) \(format(b))")
    }

    private func value(_ expression: Expression, _ metrics: MetricSource) -> Double? {
        switch expression {
        case .number(let number): return number
        case .metric(let name): return metrics.value(name)
        case .negate(let inner): return value(inner, metrics).map { -$0 }
        case .binary(let a, let op, let b):
            guard let x = value(a, metrics), let y = value(b, metrics) else { return nil }
            switch op {
            case "+": return x + y
            case "-": return x - y
            case "*": return x * y
            default: return y == 0 ? nil : x / y
            }
        }
    }

    private func describe(_ expression: Expression) -> String {
        if case .metric(let name) = expression { return name }
        return "the left side"
    }

    private func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e12 { return String(Int(value)) }
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
