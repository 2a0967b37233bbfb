/// One threshold and how the run measured against it: an entry of `summary.json`'s
/// `thresholds`, written and read back as it is.
public struct ThresholdVerdict: Codable, Sendable, Equatable {
    /// As written: `answer_ms.p99 < 500`.
    public var expression: String
    /// True when the run met it.
    public var passed: Bool
    /// The measured value of the left side (nil when the metric had no data).
    public var measured: Double?
    /// A sentence for a failure message: `answer_ms.p99 was 612.4, expected < 500`.
    public var message: String

    public init(expression: String, passed: Bool, measured: Double?, message: String) {
        self.expression = expression
        self.passed = passed
        self.measured = measured
        self.message = message
    }
}
