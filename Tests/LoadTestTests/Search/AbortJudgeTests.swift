import LoadTest
import Synchronization
import Testing

/// ``AbortJudge`` on a virtual clock: finished calls and the run's per-second snapshots
/// handed in by the test.
struct AbortJudgeTests {
    typealias S = SearchJudgeTests

    final class Fired: Sendable {
        private let list = Mutex<[AbortSummary]>([])
        func add(_ fired: AbortSummary) { list.withLock { $0.append(fired) } }
        var all: [AbortSummary] { list.withLock { $0 } }
    }

    static let pacer = Pacer(curve: .constant(10), endTime: 60)

    /// Every call fails from the start; `after: 3`: no verdict before 3 s, the rule
    /// fails at the first snapshot from 3 s (within after + 1 s of the run's clock),
    /// and only once.
    @Test func aFailingRuleStopsTheRunWithinAfterPlusOneSecond() throws {
        let fired = Fired()
        let rule = AbortRule(threshold: try Threshold("asr > 0.9"), after: 3, window: 5)
        let judge = AbortJudge(rules: [rule], pacer: Self.pacer, onAbort: fired.add)
        var seq = 0
        for second in 1...6 {
            for tenth in 0..<10 {
                judge.add(S.record(seq, step: 0, second: Double(second - 1) + Double(tenth) / 10, answered: false))
                seq += 1
            }
            judge.progress(S.snapshot(Double(second)))
            if second < 3 { #expect(fired.all.isEmpty, "not judged before after") }
        }
        let abort = try #require(fired.all.first)
        #expect(fired.all.count == 1)
        #expect(abort.atSecond >= 3 && abort.atSecond <= rule.after + 1)
        #expect(abort.rule == "asr > 0.9" && abort.message == "asr was 0, expected > 0.9" && abort.window == 5)
        #expect(judge.fired == abort)
    }

    /// The window holds the calls due in its last seconds only: failures older than it
    /// no longer count; a window with no ended call is not judged; nothing is judged
    /// once offering stopped.
    @Test func theWindowSlides() throws {
        let fired = Fired()
        let judge = AbortJudge(
            rules: [AbortRule(threshold: try Threshold("asr > 0.9"), after: 4, window: 2)], pacer: Self.pacer,
            onAbort: fired.add)
        for seq in 0..<10 { judge.add(S.record(seq, step: 0, second: 0.5 + Double(seq) / 10, answered: false)) }
        judge.progress(S.snapshot(4))
        #expect(fired.all.isEmpty, "no call due in (2, 4]: not judged")
        for seq in 10..<20 { judge.add(S.record(seq, step: 0, second: 3 + Double(seq - 10) / 20)) }
        judge.progress(S.snapshot(5))
        #expect(fired.all.isEmpty, "the failures of the first 2 s are out of the window")
        for seq in 20..<30 { judge.add(S.record(seq, step: 0, second: 5.5, answered: false)) }
        judge.progress(S.snapshot(6, offering: false, offeringSeconds: 5.6))
        #expect(fired.all.isEmpty, "not judged while draining")
    }

    /// A rule on the slaves' own figures reads them for its window's seconds, as the run
    /// has them: it fires once a slave's idle CPU in the window falls under the limit.
    @Test func aRuleOnTheSlavesReadsTheirFiguresOfTheWindow() throws {
        let fired = Fired()
        let judge = AbortJudge(
            rules: [AbortRule(threshold: try Threshold("slave_idle_cpu.min >= 20"), after: 0, window: 2)], pacer: Self.pacer,
            onAbort: fired.add)
        let asked = Mutex<[ClosedRange<Double>]>([])
        judge.readSlaves { from, to in
            asked.withLock { $0.append(from...to) }
            return ["slave_idle_cpu.min": to < 4 ? 60 : 10]
        }
        for second in 1...5 {
            judge.add(S.record(second, step: 0, second: Double(second) - 0.5))
            judge.progress(S.snapshot(Double(second)))
        }
        let abort = try #require(fired.all.first)
        #expect(abort.atSecond == 4 && abort.rule == "slave_idle_cpu.min >= 20")
        #expect(asked.withLock { $0 }.first == 0...1 && asked.withLock { $0 }.last == 2...4)
    }
}
