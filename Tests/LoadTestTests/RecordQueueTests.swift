import Dispatch
import Foundation
@testable import LoadTest
import Synchronization
import Testing

/// The record queue between the ledger and the sinks: closing a call never waits for
/// a sink, and the backlog a slow sink builds is counted.
@Suite struct RecordQueueTests {
    /// Blocks in its first `add` until opened; keeps what it gets.
    final class GateSink: RecordSink {
        let entered = DispatchSemaphore(value: 0)
        let gate = DispatchSemaphore(value: 0)
        private let state = Mutex<(records: [String], blocked: Bool)>(([], false))

        func add(_ record: CallRecord) {
            let first = state.withLock { state in
                defer { state.blocked = true }
                return !state.blocked
            }
            if first {
                entered.signal()
                gate.wait()
            }
            state.withLock { $0.records.append(record.callUUID) }
        }

        var records: [String] { state.withLock { $0.records } }
    }

    /// A sink stuck on the first record: two "readers" (threads of their own, one per
    /// slave) still close all their calls, the ledger empties, and the queue holds the
    /// backlog — its depth and high-water mark say so; once the sink moves, every
    /// record reaches it, in the order each slave closed them.
    @Test func aBlockedSinkDoesNotBlockClosingAndItsBacklogIsCounted() {
        let sink = GateSink()
        let queue = RecordQueue(sinks: [sink])
        let ledger = CallLedger(slaves: ["a", "b"]) { queue.add($0) }
        let uuids = (0..<100).map { "c\($0)" }
        for (seq, uuid) in uuids.enumerated() {
            ledger.offer(CallRecord(seq: seq, callUUID: uuid, slave: seq < 50 ? "a" : "b", app: nil, scheduledAt: 0), deadline: .max)
        }
        ledger.commandFailed("c0", on: "a", error: "-ERR refused")
        sink.entered.wait()  // the sink holds c0 and waits
        let closed = DispatchSemaphore(value: 0)
        for (slave, range) in [("a", 1..<50), ("b", 50..<100)] {
            Thread {
                for index in range { ledger.commandFailed(uuids[index], on: slave, error: "-ERR refused") }
                closed.signal()
            }.start()
        }
        // A generous bound, only so that a regression fails instead of hanging.
        let readersDone = (0..<2).allSatisfy { _ in closed.wait(timeout: .now() + 60) == .success }
        #expect(readersDone, "closing a call waited for a blocked sink")
        #expect(ledger.inFlight == 0)
        #expect(queue.depth == 100 && queue.highWaterMark == 100)
        sink.gate.signal()
        queue.waitUntilDelivered()
        #expect(queue.depth == 0 && queue.highWaterMark == 100)
        let delivered = sink.records
        #expect(delivered.count == 100 && Set(delivered) == Set(uuids))
        #expect(delivered.filter { Int($0.dropFirst())! < 50 } == Array(uuids[0..<50]))
        #expect(delivered.filter { Int($0.dropFirst())! >= 50 } == Array(uuids[50..<100]))
    }

    /// Records added with no snapshot, end or barrier after them still reach the sinks
    /// (the drain scheduled ``RecordQueue/coalescing`` after the first of a batch), in
    /// order, and later batches do too.
    @Test func recordsAloneReachTheSinksInOrder() {
        let log = Mutex<[String]>([])
        let arrived = DispatchSemaphore(value: 0)
        let sink = ClosureSink(add: { record in
            log.withLock { $0.append(record.callUUID) }
            arrived.signal()
        })
        let queue = RecordQueue(sinks: [sink])
        for batch in 0..<3 {
            let uuids = (0..<5).map { "b\(batch)-\($0)" }
            for (seq, uuid) in uuids.enumerated() {
                queue.add(CallRecord(seq: seq, callUUID: uuid, slave: "s", app: nil, scheduledAt: 0))
            }
            // A generous bound, only so that a regression fails instead of hanging.
            let all = (0..<5).allSatisfy { _ in arrived.wait(timeout: .now() + 60) == .success }
            #expect(all, "a record waited for a barrier")
            #expect(log.withLock { $0.suffix(5) } == uuids)
        }
        queue.waitUntilDelivered()
        #expect(queue.depth == 0 && log.withLock { $0.count } == 15)
    }

    /// Snapshots and the end reach every sink after the records added before them.
    @Test func progressAndFinishFollowTheRecordsBeforeThem() async {
        let log = Mutex<[String]>([])
        let sink = ClosureSink(
            add: { record in log.withLock { $0.append(record.callUUID) } },
            progress: { snapshot in log.withLock { $0.append("progress \(snapshot.offered)") } })
        let queue = RecordQueue(sinks: [sink])
        queue.add(CallRecord(seq: 0, callUUID: "a", slave: "s", app: nil, scheduledAt: 0))
        queue.progress(LoadRun.Progress(elapsed: 1, targetRate: 1, offered: 1, blocked: 0, inFlight: 0, outcomes: [:], offering: true))
        queue.add(CallRecord(seq: 1, callUUID: "b", slave: "s", app: nil, scheduledAt: 0))
        queue.finish()
        await queue.delivered()
        #expect(log.withLock { $0 } == ["a", "progress 1", "b"])
        #expect(queue.depth == 0 && queue.highWaterMark >= 1)
    }
}
