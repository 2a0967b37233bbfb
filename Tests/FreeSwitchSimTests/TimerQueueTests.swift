@testable import FreeSwitchSim
import Testing

/// The core's timer queue: order, cancellation, and no state left behind.
@Suite struct TimerQueueTests {
    @Test func popsInDeadlineOrderThenInsertionOrder() {
        var queue = TimerQueue()
        var ran: [Int] = []
        // Scheduled out of order; two share a deadline.
        for (deadline, tag) in [(30, 1), (10, 2), (20, 3), (10, 4)] {
            queue.schedule(at: Int64(deadline)) { ran.append(tag) }
        }
        #expect(queue.popDue(now: 5) == nil)
        while let entry = queue.popDue(now: 100) { entry.action() }
        #expect(ran == [2, 4, 3, 1])
    }

    @Test func aCancelledEntryIsSkipped() {
        var queue = TimerQueue()
        var ran: [Int] = []
        let first = queue.schedule(at: 10) { ran.append(1) }
        queue.schedule(at: 20) { ran.append(2) }
        queue.cancel(first)
        while let entry = queue.popDue(now: 100) { entry.action() }
        #expect(ran == [2])
        #expect(queue.count == 0 && queue.pendingCount == 0)
    }

    /// Found by the soak (RELIABILITY.md): a hangup cancels every timer of its call,
    /// most of which have run. Those ids were kept as "cancelled" for good, a few per
    /// call. Here: 10,000 calls of ring, answer and hangup timers that ran, plus a
    /// 60 s originate timeout that did not, all cancelled at hangup.
    @Test func cancellingTimersThatRanLeavesNothingBehind() {
        var queue = TimerQueue()
        var now: Int64 = 0
        for _ in 0..<10_000 {
            let timeout = queue.schedule(at: now + 60_000_000) {}
            let ring = queue.schedule(at: now + 50_000) {}
            let answer = queue.schedule(at: now + 100_000) {}
            let hangup = queue.schedule(at: now + 1_100_000) {}
            now += 1_100_000
            while let entry = queue.popDue(now: now) { entry.action() }
            for id in [timeout, ring, answer, hangup] { queue.cancel(id) }
            #expect(queue.pendingCount <= queue.count)
        }
        // Only the cancelled originate timeouts of the last 60 s are still queued.
        #expect(queue.pendingCount == 0)
        #expect(queue.count <= 60_000_000 / 1_100_000 + 1)
        while queue.popDue(now: now + 60_000_000) != nil {}
        #expect(queue.count == 0 && queue.pendingCount == 0)
    }
}
