@testable import LoadTest
import Synchronization
import Testing

/// The hold timers on a manual clock: order, cancelling, stopping, and 100,000 held
/// calls on one timer.
@Suite struct HoldTimersTests {
    final class Log: Sendable {
        let fired = Mutex<[(uuid: String, slave: Int, at: Int64)]>([])
        var uuids: [String] { fired.withLock { $0.map(\.uuid) } }
    }

    func make(_ clock: ManualRunClock) -> (HoldTimers, Log) {
        let log = Log()
        let timers = HoldTimers(clock: clock) { due, now in
            log.fired.withLock { $0.append((due.callUUID, due.slave, now)) }
        }
        return (timers, log)
    }

    @Test func firesEachCallAtItsDeadlineInDeadlineOrder() {
        let clock = ManualRunClock()
        let (timers, log) = make(clock)
        timers.schedule("c", slave: 1, at: 3_000)
        timers.schedule("a", slave: 0, at: 1_000)
        timers.schedule("b", slave: 2, at: 2_000)
        clock.advance(by: 1_500)
        #expect(log.uuids == ["a"])
        clock.advance(by: 10_000)
        let fired = log.fired.withLock { $0 }
        #expect(fired.map(\.uuid) == ["a", "b", "c"])
        #expect(fired.map(\.slave) == [0, 2, 1])
        #expect(fired.map(\.at) == [1_000, 2_000, 3_000], "each fires with the clock at its own deadline")
        #expect(timers.pendingCount == 0 && timers.heapCount == 0 && !clock.hasArmedTimer)
    }

    @Test func aDeadlineAlreadyPastFiresAtOnce() {
        let clock = ManualRunClock(now: 5_000)
        let (timers, log) = make(clock)
        timers.schedule("late", slave: 0, at: 1_000)
        clock.fireDueTimers()
        #expect(log.fired.withLock { $0.map(\.at) } == [5_000])
    }

    @Test func aCancelledCallNeverFiresAndLeavesTheOthersOnTime() {
        let clock = ManualRunClock()
        let (timers, log) = make(clock)
        timers.schedule("ended", slave: 0, at: 1_000)
        timers.schedule("held", slave: 0, at: 2_000)
        timers.cancel("ended")
        #expect(timers.pendingCount == 1)
        clock.advance(by: 5_000)
        #expect(log.uuids == ["held"])
        #expect(log.fired.withLock { $0.map(\.at) } == [2_000])
    }

    @Test func schedulingACallAgainReplacesItsDeadline() {
        let clock = ManualRunClock()
        let (timers, log) = make(clock)
        timers.schedule("x", slave: 0, at: 1_000)
        timers.schedule("x", slave: 0, at: 4_000)
        clock.advance(by: 10_000)
        #expect(log.fired.withLock { $0.map(\.at) } == [4_000])
    }

    @Test func stopDropsWhatIsPendingAndDisarms() {
        let clock = ManualRunClock()
        let (timers, log) = make(clock)
        timers.schedule("a", slave: 0, at: 1_000)
        timers.stop()
        #expect(!clock.hasArmedTimer)
        timers.schedule("b", slave: 0, at: 2_000)
        clock.advance(by: 10_000)
        #expect(log.uuids.isEmpty && timers.pendingCount == 0)
    }

    /// 100,000 held calls: one timer of the clock (no thread or task per call), fired
    /// in deadline order whatever the order they were added in; cancelling most of them
    /// shrinks the heap to the live ones.
    @Test func aHundredThousandCallsShareOneTimer() {
        let clock = ManualRunClock()
        let (timers, log) = make(clock)
        let count = 100_000
        // A fixed permutation of the deadlines (7919 is prime, coprime with 100,000).
        for index in 0..<count {
            let deadline = Int64((index * 7919) % count + 1) * 1_000
            timers.schedule("call-\(index)", slave: index % 3, at: deadline)
        }
        #expect(timers.pendingCount == count && timers.heapCount == count)
        for index in 0..<count where index % 4 != 0 { timers.cancel("call-\(index)") }
        #expect(timers.pendingCount == count / 4)
        #expect(timers.heapCount <= 2 * (count / 4) + 64, "ended calls do not stay in memory")
        let firedBefore = clock.fired
        clock.advance(by: Int64(count + 1) * 1_000)
        let fired = log.fired.withLock { $0 }
        #expect(fired.count == count / 4)
        #expect(zip(fired, fired.dropFirst()).allSatisfy { $0.at <= $1.at })
        #expect(Set(fired.map(\.uuid)).count == fired.count)
        #expect(fired.allSatisfy { Int($0.uuid.dropFirst(5))! % 4 == 0 })
        // One firing per live deadline at most, plus one at the deadline armed before
        // the cancels.
        #expect(clock.fired - firedBefore <= count / 4 + 1)
        #expect(timers.heapCount == 0)
    }
}
