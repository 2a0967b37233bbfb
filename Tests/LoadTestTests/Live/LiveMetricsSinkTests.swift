@testable import LoadTest
import Testing

/// ``LiveMetricsSink``: records count at once but show at the next snapshot, so one
/// scrape's figures agree with each other.
@Suite struct LiveMetricsSinkTests {
    @Test func recordsArePublishedWithTheNextSnapshot() {
        let sink = LiveMetricsSink(run: .init(runID: "run-1", name: "demo"))
        #expect(sink.metrics.slaveApps.isEmpty && sink.metrics.run.segment == "", "nothing yet, the run's info already")
        var record = CallRecord(seq: 0, callUUID: "u", slave: "sim-1", app: nil, scheduledAt: 0)
        record.outcome = .answered
        sink.add(record)
        #expect(sink.metrics.outcomes.isEmpty, "not before its snapshot")
        var progress = LoadRun.Progress(elapsed: 1, targetRate: 1, offered: 1, blocked: 0, inFlight: 0, outcomes: [.answered: 1], offering: true)
        progress.offeredBy = [.init(slave: "sim-1", app: "-"): 1]
        sink.progress(progress)
        let metrics = sink.metrics
        #expect(metrics.outcomes == [.init(slave: "sim-1", app: "-"): [.answered: 1]])
        #expect(metrics.offered == [.init(slave: "sim-1", app: "-"): 1])
        let (type, body) = sink.render(accept: "application/openmetrics-text")
        #expect(type.hasPrefix("application/openmetrics-text") && body.hasSuffix("# EOF\n"))
        #expect(sink.render(accept: nil).body.contains(#"switchy_calls_total{slave="sim-1",app="-",outcome="answered"} 1"#))
    }

    /// The last second's rates are the live line's (``LoadRun/Progress/rates(since:)``):
    /// the first snapshot has the averages so far, the next the span since it, and a
    /// draining run 0.
    @Test func ratesOfTheLastSecond() {
        var first = LoadRun.Progress(elapsed: 1, targetRate: 10, offered: 9, blocked: 0, inFlight: 0, outcomes: [:], offering: true)
        first.offeringSeconds = 1
        var second = first
        (second.elapsed, second.offeringSeconds, second.offered, second.targetRate) = (2, 2, 29, 15)
        #expect(first.rates(since: nil) == (9, 10))
        #expect(second.rates(since: first) == (20, 20))
        var draining = second
        draining.offering = false
        #expect(draining.rates(since: second) == (0, 0))
        let sink = LiveMetricsSink(run: .init(runID: "r", name: "n"))
        sink.progress(first)
        sink.progress(second)
        #expect(sink.metrics.currentRate == 20 && sink.metrics.targetRate == 20)
    }
}
