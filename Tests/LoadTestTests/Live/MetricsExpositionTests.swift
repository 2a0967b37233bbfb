@testable import LoadTest
import Testing

/// The scrape's text (``MetricsExposition``): escaping, numbers, histograms, both formats.
@Suite struct MetricsExpositionTests {
    @Test(arguments: [
        ("plain", "plain"),
        // A backslash doubles, a quote and a newline are escaped: the three the format names.
        (#"a\b"#, #"a\\b"#),
        (#"say "hi""#, #"say \"hi\""#),
        ("two\nlines", #"two\nlines"#),
        // Everything else passes as is (UTF-8, tabs, braces).
        ("sim-1 é\t{x}", "sim-1 é\t{x}"),
        (#"\"#, #"\\"#),
    ])
    func labelValuesAreEscaped(raw: String, escaped: String) {
        #expect(MetricsExposition.escapeLabelValue(raw) == escaped)
    }

    @Test(arguments: [
        (0.0, "0"), (3.0, "3"), (0.25, "0.25"), (-2.0, "-2"),
        (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (Double.nan, "NaN"),
        // Too large for a whole-number text: Swift's own shortest form, which Go parses.
        (1e20, "1e+20"),
    ])
    func numbers(value: Double, text: String) {
        #expect(MetricsExposition.number(value) == text)
    }

    @Test(arguments: [
        (nil, MetricsExposition.Format.prometheus),
        ("text/plain", .prometheus),
        ("*/*", .prometheus),
        // What Prometheus 2.x sends: OpenMetrics first.
        (
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1", .openMetrics
        ),
        ("application/openmetrics-text", .openMetrics),
        // Only a version this server does not write: the 0.0.4 text.
        ("application/openmetrics-text; version=0.0.1", .prometheus),
        // Preferred less than text/plain, or refused outright.
        ("text/plain;q=1, application/openmetrics-text;q=0.5", .prometheus),
        ("application/openmetrics-text;q=0", .prometheus),
    ] as [(String?, MetricsExposition.Format)])
    func theAcceptHeaderPicksTheFormat(accept: String?, format: MetricsExposition.Format) {
        #expect(MetricsExposition.Format(accept: accept) == format)
    }

    @Test func contentTypes() {
        #expect(MetricsExposition.Format.prometheus.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(
            MetricsExposition.Format.openMetrics.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8")
    }

    /// Values on and between the bounds: a value equal to a bound is in that bucket
    /// (`le` is ≤), the counts are cumulative, `+Inf` equals `_count`, `_sum` adds them.
    @Test func histogramBucketsAreCumulativeWithInfSumAndCount() {
        var histogram = BucketHistogram()
        for value in [0.005, 0.01, 0.02, 0.3, 1, 29, 31, 100, -1] { histogram.record(value) }
        #expect(histogram.count == 9)
        #expect(abs(histogram.sum - (0.005 + 0.01 + 0.02 + 0.3 + 1 + 29 + 31 + 100)) < 1e-9, "a negative value counts as 0")
        let cumulative = histogram.cumulative
        #expect(cumulative.map(\.count) == [3, 4, 4, 4, 4, 5, 6, 6, 6, 6, 7, 9])
        #expect(cumulative.last?.upperBound == .infinity)

        var metrics = LiveMetrics(run: .init(runID: "r", name: "n"))
        metrics.answer = histogram
        let text = MetricsExposition.render(metrics, format: .prometheus)
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("switchy_answer_seconds") }
        #expect(
            lines == [
                #"switchy_answer_seconds_bucket{le="0.01"} 3"#, #"switchy_answer_seconds_bucket{le="0.025"} 4"#,
                #"switchy_answer_seconds_bucket{le="0.05"} 4"#, #"switchy_answer_seconds_bucket{le="0.1"} 4"#,
                #"switchy_answer_seconds_bucket{le="0.25"} 4"#, #"switchy_answer_seconds_bucket{le="0.5"} 5"#,
                #"switchy_answer_seconds_bucket{le="1.0"} 6"#, #"switchy_answer_seconds_bucket{le="2.5"} 6"#,
                #"switchy_answer_seconds_bucket{le="5.0"} 6"#, #"switchy_answer_seconds_bucket{le="10.0"} 6"#,
                #"switchy_answer_seconds_bucket{le="30.0"} 7"#, #"switchy_answer_seconds_bucket{le="+Inf"} 9"#,
                "switchy_answer_seconds_sum \(MetricsExposition.number(histogram.sum))", "switchy_answer_seconds_count 9",
            ])
    }

    /// A run with two slave/app pairs, one call of each finished: every outcome of
    /// every pair is a series (zeros included), labels escaped, the slaves' gauges
    /// present only when read, the idle CPU as a ratio.
    static func sample() -> LiveMetrics {
        var metrics = LiveMetrics(run: .init(runID: "run-1", name: #"load "A"\n"#, segment: "2/5"))
        var first = CallRecord(seq: 0, callUUID: "u0", slave: "sim-1", app: "ivr", scheduledAt: 0)
        first.sentAt = 1_000_000
        first.progressAt = 101_000_000
        first.answeredAt = 301_000_000
        first.outcome = .answered
        var second = CallRecord(seq: 1, callUUID: "u1", slave: "sim-2", app: nil, scheduledAt: 0)
        second.outcome = .failed
        metrics.add(first)
        metrics.add(second)
        var progress = LoadRun.Progress(
            elapsed: 2, targetRate: 1, offered: 3, blocked: 1, inFlight: 1, outcomes: [:], offering: true)
        progress.offeringSeconds = 2
        progress.callsUp = 1
        progress.offeredBy = [.init(slave: "sim-1", app: "ivr"): 2, .init(slave: "sim-2", app: "-"): 1]
        progress.slaves = [.init(name: "sim-1", up: true, sessions: 4, idleCPU: 87.5), .init(name: "sim-2", up: false)]
        var previous = progress
        (previous.elapsed, previous.offered, previous.offeringSeconds) = (1, 1, 1)
        metrics.update(progress, previous: previous)
        return metrics
    }

    @Test func prometheusText() {
        let text = MetricsExposition.render(Self.sample(), format: .prometheus)
        let lines = Set(text.split(separator: "\n").map(String.init))
        for expected in [
            "# TYPE switchy_run_info gauge",
            #"switchy_run_info{run_id="run-1",name="load \"A\"\\n",segment="2/5"} 1"#,
            "# TYPE switchy_calls_offered_total counter",
            #"switchy_calls_offered_total{slave="sim-1",app="ivr"} 2"#,
            #"switchy_calls_offered_total{slave="sim-2",app="-"} 1"#,
            "# TYPE switchy_calls_total counter",
            #"switchy_calls_total{slave="sim-1",app="ivr",outcome="answered"} 1"#,
            #"switchy_calls_total{slave="sim-1",app="ivr",outcome="lost"} 0"#,
            #"switchy_calls_total{slave="sim-2",app="-",outcome="failed"} 1"#,
            "switchy_calls_blocked_total 1", "switchy_calls_up 1", "switchy_calls_in_flight 1",
            "switchy_current_cps 2", "switchy_target_cps 1", "switchy_offering 1",
            #"switchy_slave_up{slave="sim-1"} 1"#, #"switchy_slave_up{slave="sim-2"} 0"#,
            #"switchy_slave_sessions{slave="sim-1"} 4"#, #"switchy_slave_idle_cpu_ratio{slave="sim-1"} 0.875"#,
            #"switchy_answer_seconds_bucket{le="0.5"} 1"#, #"switchy_answer_seconds_bucket{le="0.25"} 0"#,
            #"switchy_pdd_seconds_bucket{le="0.1"} 1"#, #"switchy_setup_seconds_bucket{le="0.25"} 0"#,
            "switchy_setup_seconds_count 1", "switchy_pdd_seconds_sum 0.1",
        ] {
            #expect(lines.contains(expected), "\(expected)")
        }
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("switchy_calls_total{") }.count == 2 * 7, "every outcome")
        #expect(!text.contains(#"slave_sessions{slave="sim-2"}"#) && !text.contains(#"idle_cpu_ratio{slave="sim-2"}"#))
        #expect(!text.contains("# EOF") && !text.contains("# UNIT"))
        #expect(text.hasSuffix("\n"))
    }

    @Test func openMetricsText() {
        let text = MetricsExposition.render(Self.sample(), format: .openMetrics)
        let lines = text.split(separator: "\n").map(String.init)
        for expected in [
            "# TYPE switchy_run info", #"switchy_run_info{run_id="run-1",name="load \"A\"\\n",segment="2/5"} 1"#,
            "# TYPE switchy_calls_offered counter", #"switchy_calls_offered_total{slave="sim-1",app="ivr"} 2"#,
            "# TYPE switchy_calls counter", "# TYPE switchy_calls_blocked counter", "switchy_calls_blocked_total 1",
            "# TYPE switchy_answer_seconds histogram", "# UNIT switchy_answer_seconds seconds",
        ] {
            #expect(lines.contains(expected), "\(expected)")
        }
        #expect(lines.last == "# EOF" && text.hasSuffix("# EOF\n"))
        #expect(!text.contains("# TYPE switchy_calls_total"))
    }

    @Test(arguments: [MetricsExposition.Format.prometheus, .openMetrics])
    func helpTextIsEscaped(format: MetricsExposition.Format) {
        var writer = MetricsExposition.Writer(format: format)
        writer.family("x", .gauge, help: #"a "b" \ c"# + "\nd")
        let escapedQuote = format == .openMetrics ? #"\"b\""# : #""b""#
        #expect(writer.text.hasPrefix(#"# HELP x a \#(escapedQuote) \\ c\nd"# + "\n"))
    }
}
