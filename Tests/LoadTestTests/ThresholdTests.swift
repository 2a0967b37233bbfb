import LoadTest
import Testing

@Suite struct ThresholdTests {
    static let run = MetricSource(values: [
        "offered": 300, "answered": 297, "failed": 2, "lost": 1, "asr": 0.99, "achieved_rate": 19.8,
        "target_rate": 20, "answer_ms.p99": 612.4, "answer_ms.p50": 210, "answer_ms.p99.9": 700,
    ])

    @Test(arguments: [
        ("asr >= 0.99", true, 0.99),  // equal counts as met
        ("answer_ms.p99 < 500", false, 612.4),  // the example, failing here
        ("answer_ms.p99 < 1000", true, 612.4),
        ("failed == 0", false, 2),  // a default threshold
        ("lost != 0", true, 1),
        ("achieved_rate >= 0.99 * target_rate", true, 19.8),  // 19.8 ≥ 19.8
        ("achieved_rate > 0.995 * target_rate", false, 19.8),
        ("answered + failed + lost == offered", true, 300),  // arithmetic on the left
        ("(answered - 297) * 2 <= -1 + 1", true, 0),  // parentheses and unary minus
        ("answer_ms.p99.9 <= 700", true, 700),  // p99.9 as written
    ])
    func evaluates(text: String, passes: Bool, measured: Double) throws {
        let verdict = try Threshold(text).evaluate(Self.run)
        #expect(verdict.passed == passes, "\(verdict.message)")
        #expect(verdict.measured.map { abs($0 - measured) < 1e-9 } == true)
    }

    @Test func aFailureMessageGivesTheMeasuredValue() throws {
        let verdict = try Threshold("answer_ms.p99 < 500").evaluate(Self.run)
        #expect(verdict.message == "answer_ms.p99 was 612.4, expected < 500")
    }

    @Test func aMetricWithoutDataFails() throws {
        let verdict = try Threshold("pdd_ms.p95 < 100").evaluate(Self.run)
        #expect(!verdict.passed)
        #expect(verdict.message == "no data for pdd_ms.p95 in this run")
    }

    @Test(arguments: [
        ("", "empty"),  // nothing at all
        ("asr", "no comparison"),  // a metric alone
        ("asr >= ", "missing at the end"),  // no right side
        ("asr => 0.9", "expected <, <=, >, >=, == or !="),  // a typo'd operator
        ("answer_ms < 500", "needs a statistic"),  // a latency without .p99
        ("answer_ms.p42 < 500", "unknown statistic"),  // an unknown statistic
        ("asrr >= 0.9", "unknown metric \"asrr\""),  // an unknown metric
        ("asr >= 0.9 0.8", "unexpected"),  // trailing garbage
        ("(asr >= 0.9", "\")\" is missing"),  // unbalanced parenthesis
        ("asr >= 1.2.3", "is not a number"),  // a bad number
        ("asr >= $5", "unexpected \"$\""),  // a stray character
    ])
    func badSyntaxIsAClearError(text: String, fragment: String) {
        #expect {
            _ = try Threshold(text)
        } throws: { error in
            let message = "\(error)"
            return message.contains(fragment) && message.contains("threshold \"\(text)\"")
        }
    }
}
