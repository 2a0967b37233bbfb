@testable import LoadTest
import Synchronization
import Testing

/// ``SearchJudge`` on a virtual clock: the test hands it the calls as the run would
/// (each due call, then each finished record) and the run's per-second snapshots, and
/// reads when and how each step was judged.
struct SearchJudgeTests {
    /// Collects the judge's stop reasons.
    final class Stops: Sendable {
        private let reasons = Mutex<[String]>([])
        func add(_ reason: String) { reasons.withLock { $0.append(reason) } }
        var all: [String] { reasons.withLock { $0 } }
    }

    static func plan(
        _ rates: [Double], rules: [String] = ["asr < 0.99"], settle: Double = 3, maxLagMs: Double = 50
    ) throws -> SearchPlan {
        SearchPlan(rates: rates, stepSeconds: 2, rules: try rules.map { try Threshold($0) }, settle: settle, maxLagMs: maxLagMs)
    }

    /// A finished call of `step`, due at `second`, sent `lagMs` late; answered after
    /// 10 ms unless `answered` is false (then `failed`).
    static func record(_ seq: Int, step: Int, second: Double, answered: Bool = true, lagMs: Double = 0) -> CallRecord {
        let due = Int64(second * 1e9)
        var record = CallRecord(seq: seq, callUUID: "c\(seq)", slave: "s", app: nil, scheduledAt: due)
        record.step = step
        record.sentAt = due + Int64(lagMs * 1e6)
        if answered {
            record.outcome = .answered
            record.answeredAt = record.sentAt.map { $0 + 10_000_000 }
            record.hangupAt = record.answeredAt.map { $0 + 1_000_000_000 }
        } else {
            record.outcome = .failed
        }
        return record
    }

    static func snapshot(_ elapsed: Double, offering: Bool = true, offeringSeconds: Double? = nil) -> LoadRun.Progress {
        LoadRun.Progress(
            elapsed: elapsed, targetRate: 0, offered: 0, blocked: 0, inFlight: 0, outcomes: [:], offering: offering,
            offeringSeconds: offeringSeconds ?? elapsed)
    }

    /// Offers `count` calls in `step` and finishes them, `failing` of them not answered.
    static func offer(_ judge: SearchJudge, step: Int, count: Int, failing: Int = 0, lagMs: Double = 0, seq: inout Int) {
        for index in 0..<count {
            judge.due(step: step, offered: true)
            judge.add(record(seq, step: step, second: Double(step) * 2 + 0.01, answered: index >= failing, lagMs: lagMs))
            seq += 1
        }
    }

    /// Steps of 10, 20, 30 and 40 calls/s; the third loses 5 of its 60 calls. Steps are
    /// judged one second after their end (every call ended), the third breaks
    /// `asr < 0.99`, the search stops once, then and only then; 20 calls/s held.
    @Test func theFirstBrokenStepStopsTheSearch() throws {
        let stops = Stops()
        let judge = SearchJudge(plan: try Self.plan([10, 20, 30, 40]), onStop: stops.add)
        var seq = 0
        Self.offer(judge, step: 0, count: 20, seq: &seq)
        judge.progress(Self.snapshot(2))
        #expect(judge.summary.steps.isEmpty, "at its end a step may still get calls due at that instant")
        judge.progress(Self.snapshot(3))
        #expect(judge.summary.steps.map(\.verdict) == [.passed])
        Self.offer(judge, step: 1, count: 40, seq: &seq)
        judge.progress(Self.snapshot(5))
        Self.offer(judge, step: 2, count: 60, failing: 5, seq: &seq)
        judge.progress(Self.snapshot(6))
        #expect(stops.all.isEmpty)
        judge.due(step: 3, offered: true)
        judge.progress(Self.snapshot(7))
        #expect(stops.all.count == 1)
        #expect(stops.all.first?.hasPrefix("step 2 (30 calls/s) broke \"asr < 0.99\": asr was 0.9167") == true, "\(stops.all)")
        judge.progress(Self.snapshot(8, offering: false, offeringSeconds: 7.01))
        judge.finish()
        let summary = judge.summary
        #expect(summary.steps.map(\.verdict) == [.passed, .passed, .failed, .unjudged])
        #expect(summary.steps.map(\.offered) == [20, 40, 60, 1])
        #expect(summary.maxSustainedCps == 20 && !summary.kneeAboveMax)
        #expect(summary.brokenRule == "asr < 0.99" && summary.stopReason == stops.all.first)
        let knee = summary.steps[2]
        #expect(knee.answered == 55 && knee.asr.map { abs($0 - 55.0 / 60) < 1e-9 } == true && knee.judgedAtSecond == 7)
        #expect(summary.steps[3].message == "offered after the search stopped")
        #expect(stops.all.count == 1, "stopped once")
    }

    /// A step whose calls have not all ended waits up to `settle` after its end; then it
    /// is judged as it is: the call still up counts as offered, not answered.
    @Test func aCallStillUpAfterSettleCountsAgainstTheStep() throws {
        let stops = Stops()
        let judge = SearchJudge(plan: try Self.plan([10, 20], settle: 3), onStop: stops.add)
        var seq = 0
        Self.offer(judge, step: 0, count: 19, seq: &seq)
        judge.due(step: 0, offered: true)  // never ends
        judge.progress(Self.snapshot(3))
        judge.progress(Self.snapshot(4))
        #expect(judge.summary.steps.isEmpty, "before end + settle, a step with a call up waits")
        judge.progress(Self.snapshot(5))
        let step = try #require(judge.summary.steps.first)
        #expect(step.verdict == .failed && step.stillUp == 1 && step.offered == 20 && step.answered == 19)
        #expect(step.asr == 0.95 && step.judgedAtSecond == 5)
        #expect(step.message?.hasSuffix("(1 of its 20 calls still up when judged)") == true, "\(step.message ?? "")")
        #expect(stops.all.count == 1)
    }

    /// A step sent late by the generator (its own schedule lag p99 > 50 ms) is invalid:
    /// not a pass, not the knee, even though its calls were all answered; the search
    /// goes on; two invalid steps in a row stop it.
    @Test func stepsTheGeneratorSentLateAreInvalid() throws {
        let stops = Stops()
        let judge = SearchJudge(plan: try Self.plan([10, 20, 30, 40, 50]), onStop: stops.add)
        var seq = 0
        Self.offer(judge, step: 0, count: 20, lagMs: 80, seq: &seq)
        judge.progress(Self.snapshot(3))
        Self.offer(judge, step: 1, count: 40, seq: &seq)
        judge.progress(Self.snapshot(5))
        #expect(stops.all.isEmpty, "one invalid step does not stop the search")
        Self.offer(judge, step: 2, count: 60, failing: 60, lagMs: 80, seq: &seq)
        judge.progress(Self.snapshot(7))
        Self.offer(judge, step: 3, count: 80, lagMs: 80, seq: &seq)
        judge.progress(Self.snapshot(9))
        let summary = judge.summary
        #expect(summary.steps.map(\.verdict) == [.invalid, .passed, .invalid, .invalid])
        #expect(summary.steps[2].message?.hasPrefix("schedule_lag_ms.p99 was 80") == true, "\(summary.steps[2])")
        #expect(summary.maxSustainedCps == 20 && summary.brokenRule == nil, "an invalid step is never the knee")
        #expect(stops.all == ["steps 2 and 3 were invalid: the generator could not keep the schedule"])
    }

    /// `max_lag_ms` sets the lag past which a step is invalid.
    @Test func theLagLimitIsTheProfiles() throws {
        let judge = SearchJudge(plan: try Self.plan([10, 20], maxLagMs: 100), onStop: { _ in })
        var seq = 0
        Self.offer(judge, step: 0, count: 20, lagMs: 80, seq: &seq)
        judge.progress(Self.snapshot(3))
        #expect(judge.summary.steps.map(\.verdict) == [.passed], "80 ms is within a 100 ms limit")
    }

    /// Every step passes up to max: the knee is above it, and nothing stopped offering.
    @Test func aSearchThatReachesMaxSaysTheKneeIsAbove() throws {
        let stops = Stops()
        let judge = SearchJudge(plan: try Self.plan([10, 20]), onStop: stops.add)
        var seq = 0
        Self.offer(judge, step: 0, count: 20, seq: &seq)
        judge.progress(Self.snapshot(3))
        Self.offer(judge, step: 1, count: 40, seq: &seq)
        judge.progress(Self.snapshot(4, offering: false, offeringSeconds: 4))
        judge.finish()
        let summary = judge.summary
        #expect(summary.steps.map(\.verdict) == [.passed, .passed])
        #expect(summary.kneeAboveMax && summary.maxSustainedCps == 20 && summary.stopReason == nil && stops.all.isEmpty)
    }

    /// A rule that reads a metric the step has no data for (no answered call, no
    /// `answer_ms`) breaks it: the step has nothing to show.
    @Test func aRuleWithoutDataBreaksTheStep() throws {
        let stops = Stops()
        let judge = SearchJudge(plan: try Self.plan([10, 20], rules: ["answer_ms.p95 > 1000"]), onStop: stops.add)
        var seq = 0
        Self.offer(judge, step: 0, count: 20, failing: 20, seq: &seq)
        judge.progress(Self.snapshot(3))
        let step = try #require(judge.summary.steps.first)
        #expect(step.verdict == .failed && step.message == "no data for answer_ms.p95" && step.brokenRule == "answer_ms.p95 > 1000")
        #expect(judge.summary.maxSustainedCps == nil && !judge.summary.passed)
    }

    /// A run stopped during a step (Ctrl-C): the steps it completed are judged (here
    /// at once: every call of step 0 had ended), the one cut short is not.
    @Test func aStepCutShortIsUnjudged() throws {
        let judge = SearchJudge(plan: try Self.plan([10, 20, 30]), onStop: { _ in })
        var seq = 0
        Self.offer(judge, step: 0, count: 20, seq: &seq)
        Self.offer(judge, step: 1, count: 10, seq: &seq)
        judge.progress(Self.snapshot(2.5, offering: false, offeringSeconds: 2.5))
        judge.finish()
        let summary = judge.summary
        #expect(summary.steps.map(\.verdict) == [.passed, .unjudged])
        #expect(summary.steps[1].message == "cut short: the run stopped during it" && summary.steps[0].judgedAtSecond == 2.5)
    }

    /// Step k covers (k·step_time, (k+1)·step_time]: the call due at a step's end is
    /// its last; times past the last step stay in it.
    @Test(arguments: [
        (0.05, 0),  // the first call
        (2.0, 0),  // due at exactly the end of step 0
        (2.000001, 1),  // just after
        (4.0, 1),
        (5.9, 2),
        (100, 2),  // past the last step
    ])
    func stepOfATime(seconds: Double, step: Int) throws {
        #expect(try Self.plan([10, 20, 30]).step(atSeconds: seconds) == step)
    }

    /// An `until` rule on the slaves' own figures reads them for the step's seconds: the
    /// step in which a slave's idle CPU fell under the limit is the knee, and every step
    /// keeps its lowest idle CPU for the report.
    @Test func aRuleOnTheSlavesBreaksTheStepTheySaturatedIn() throws {
        let stops = Stops()
        let judge = SearchJudge(plan: try Self.plan([10, 20, 30], rules: ["slave_idle_cpu.min < 20"]), onStop: stops.add)
        judge.readSlaves { from, to in ["slave_idle_cpu.min": 90 - 35 * from / 2] }  // 90, 55, 20 at steps 0, 1, 2
        var seq = 0
        for step in 0..<3 {
            Self.offer(judge, step: step, count: 10, seq: &seq)
            judge.progress(Self.snapshot(Double(step) * 2 + 3))
        }
        judge.finish()
        let summary = judge.summary
        #expect(summary.steps.map(\.verdict) == [.passed, .passed, .passed], "20 is not < 20")
        #expect(summary.steps.map(\.slaveIdleCPUMin) == [90, 55, 20])
        let strict = SearchJudge(plan: try Self.plan([10, 20, 30], rules: ["slave_idle_cpu.min < 50"]), onStop: stops.add)
        strict.readSlaves { from, _ in ["slave_idle_cpu.min": 90 - 35 * from / 2] }
        for step in 0..<3 {
            Self.offer(strict, step: step, count: 10, seq: &seq)
            strict.progress(Self.snapshot(Double(step) * 2 + 3))
        }
        #expect(strict.summary.steps.map(\.verdict) == [.passed, .passed, .failed], "55 held, 20 broke")
        #expect(strict.summary.brokenRule == "slave_idle_cpu.min < 50" && strict.summary.maxSustainedCps == 20)
    }
}
