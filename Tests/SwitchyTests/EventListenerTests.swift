@testable import Switchy
import Dispatch
import ESL
import Synchronization
import TestSupport
import Testing

/// The listener's routing, fed with captured events (no socket).
@Suite struct EventListenerTests {
    final class Recorder: CallApp, Sendable {
        let seen = Mutex<[String]>([])
        let ended = Mutex<[String]>([])
        func receive(_ event: AppEvent) {
            seen.withLock { $0.append("\(event.name) \(event.session.direction.rawValue)") }
        }
        func callEnded(_ call: Call, context: AppContext) {
            ended.withLock { $0.append(call.uuid) }
        }
    }

    @Test func appsGetBothLegsOfTheirCallsAndTheEnd() throws {
        let listener = EventListener(runID: "run-7f3a")
        let app = Recorder()
        try listener.register(app, context: AppContext(appID: "app-1", listener: listener, control: SessionControl(nil)))
        let events = try CaptureFrames.events("11")
        for event in events { listener.handle(event) }
        listener.drainCallbacks()
        let seen = app.seen.withLock { $0 }
        #expect(seen.first == "CHANNEL_CREATE outbound")
        #expect(seen.contains("CHANNEL_ANSWER inbound"))
        #expect(seen.contains("CHANNEL_HANGUP outbound"))
        #expect(seen.last == "CHANNEL_DESTROY inbound")
        #expect(app.ended.withLock { $0 } == ["5b1e0c7a-2f43-4d55-9a0e-1c2d3e4f5a6b"])
        #expect(listener.calls.count == 0)
    }

    @Test func callbacksByEventNameAndTheLegTheyConcern() throws {
        let listener = EventListener()
        let answers = Mutex<[String]>([])
        let everything = Mutex(0)
        listener.on("CHANNEL_ANSWER") { _, session in answers.withLock { $0.append(session?.uuid ?? "-") } }
        let all = listener.on("*") { _, _ in everything.withLock { $0 += 1 } }
        let events = try CaptureFrames.events("06")
        for event in events.prefix(100) { listener.handle(event) }
        listener.removeCallback(all)
        for event in events.dropFirst(100) { listener.handle(event) }
        listener.drainCallbacks()
        #expect(answers.withLock { $0.count } == 20)
        #expect(everything.withLock { $0 } == 100)
    }

    /// Capture 11's loop-back call (both legs) under uuids of its own: the same length,
    /// so every Content-Length still holds.
    static func loopBackCall(_ number: Int) throws -> (uuid: String, events: [Event]) {
        let suffix = String(number, radix: 16)
        let padded = String(repeating: "0", count: 12 - suffix.count) + suffix
        let uuid = "5b1e0c7a-2f43-4d55-9a0e-" + padded
        let text = String(decoding: try Fixtures.raw("11"), as: UTF8.self)
            .replacingOccurrences(of: "5b1e0c7a-2f43-4d55-9a0e-1c2d3e4f5a6b", with: uuid)
            .replacingOccurrences(of: "39aa049f-f422-4e31-bcac-ca9ce98b56d2", with: "39aa049f-f422-4e31-bcac-" + padded)
        var decoder = FrameDecoder()
        decoder.append(Array(text.utf8))
        var events: [Event] = []
        while let frame = try decoder.next() {
            if frame.contentType.isEvent { events.append(try Event(frame: frame)) }
        }
        return (uuid, events)
    }

    /// A slave that loses each call's CHANNEL_DESTROYs (or stalls) leaves calls that
    /// never end; their owner gives up on each (a load run: `lost` after `lost_after`)
    /// and the listener forgets it. The calls tracked stay bounded, and the events that
    /// come late, whole calls of them, neither bring one back nor end one.
    @Test func callsGivenUpOnAreForgottenAndTheirLateEventsIgnored() throws {
        let listener = EventListener()
        let ended = Mutex(0)
        listener.onCallEnded { _ in ended.withLock { $0 += 1 } }
        var uuids: [String] = []
        var late: [Event] = []
        var most = 0
        for number in 0..<100 {
            let (uuid, events) = try Self.loopBackCall(number)
            #expect(events.filter { $0.name == "CHANNEL_DESTROY" }.count == 2)
            for event in events where event.name != "CHANNEL_DESTROY" { listener.handle(event) }
            late += events
            uuids.append(uuid)
            most = max(most, listener.calls.count)
            // Given up on ten calls later.
            if uuids.count > 10 { listener.forgetCall(uuids.removeFirst()) }
        }
        #expect(most == 11)
        #expect(listener.sessions.count == 20, "both legs of the last ten calls")
        for uuid in uuids { listener.forgetCall(uuid) }
        #expect(listener.calls.count == 0 && listener.sessions.count == 0)
        // A call given up on before anything of it arrived stays unknown too.
        let (early, unseen) = try Self.loopBackCall(100)
        listener.forgetCall(early)
        for event in late + unseen { listener.handle(event) }
        listener.drainCallbacks()
        #expect(listener.calls.count == 0 && listener.sessions.count == 0)
        #expect(ended.withLock { $0 } == 0)
    }

    /// What a listener's callbacks saw, in the order they ran: event names, and
    /// `ended <uuid>` for each call end.
    final class CallbackLog: Sendable {
        let entries = Mutex<[String]>([])
        var all: [String] { entries.withLock { $0 } }
    }

    static func recordCallbacks(of listener: EventListener, into log: CallbackLog, gate: DispatchSemaphore? = nil) {
        listener.on("*") { event, _ in
            if let gate, log.all.isEmpty { gate.wait() }
            log.entries.withLock { $0.append(event.name ?? "?") }
        }
        listener.onCallEnded { call in log.entries.withLock { $0.append("ended \(call.uuid)") } }
    }

    /// A callback that blocks holds up the callback thread, never the reader: `handle`
    /// returns for every event, the backlog shows the queue (items past its capacity
    /// counted, none dropped), and once the callback goes on, every event and call end
    /// arrives in wire order, as when each is delivered before the next is read.
    @Test func aBlockedCallbackNeverHoldsUpTheReader() throws {
        let events = try CaptureFrames.events("06")
        let reference = EventListener()
        let expected = CallbackLog()
        Self.recordCallbacks(of: reference, into: expected)
        for event in events {
            reference.handle(event)
            reference.drainCallbacks()
        }
        #expect(expected.all.filter { $0.hasPrefix("ended ") }.count == 20)

        let listener = EventListener(callbackQueueCapacity: 8)
        let gate = DispatchSemaphore(value: 0)
        let seen = CallbackLog()
        Self.recordCallbacks(of: listener, into: seen, gate: gate)
        for event in events { listener.handle(event) }
        let backlog = listener.callbackBacklog
        #expect(backlog.depth == events.count, "one item per event, the first one still running")
        #expect(backlog.highWaterMark == events.count)
        #expect(backlog.capacity == 8 && backlog.overflowed == events.count - 8)
        #expect(listener.eventsHandled == events.count, "tracking went on")
        gate.signal()
        listener.drainCallbacks()
        #expect(seen.all == expected.all)
        #expect(listener.callbackBacklog.highWaterMark == events.count)
    }

    @Test func tracksCallsWhileTheyAreUpAndForgetsThemAfter() throws {
        let listener = EventListener()
        let events = try CaptureFrames.events("02")
        let park = try #require(events.firstIndex { $0.name == "CHANNEL_PARK" })
        for event in events[...park] { listener.handle(event) }
        let call = try #require(listener.calls["8d4a2dec-b5ae-4266-b912-b89c78b05e3e"])
        #expect(call.sessions.first?.state == .answered)
        #expect(listener.sessions.count == 1)
        for event in events[(park + 1)...] { listener.handle(event) }
        #expect(listener.calls["8d4a2dec-b5ae-4266-b912-b89c78b05e3e"] == nil)
        #expect(listener.heartbeat?.maxSessions == 2000)
        #expect(listener.heartbeat?.coreUUID == "5e52bd42-615e-4b08-ab2f-f77a450c0f0a")
    }

    /// The review finding: a call whose last event calls no callback was forgotten on
    /// the reader at once, while a callback of its earlier events could still be queued
    /// and then found the call gone. It is now forgotten after those callbacks.
    @Test func aCallEndingWithoutACallbackIsForgottenAfterItsEarlierCallbacks() throws {
        let listener = EventListener()
        let events = try CaptureFrames.events("02")
        let uuid = "8d4a2dec-b5ae-4266-b912-b89c78b05e3e"
        let gate = DispatchSemaphore(value: 0)
        let foundAtAnswer = Mutex<Bool?>(nil)
        listener.on("CHANNEL_ANSWER") { _, _ in
            gate.wait()
            foundAtAnswer.withLock { $0 = listener.calls[uuid] != nil }
        }
        for event in events { listener.handle(event) }
        #expect(listener.calls[uuid] != nil, "the ANSWER callback is still queued")
        gate.signal()
        listener.drainCallbacks()
        #expect(foundAtAnswer.withLock { $0 } == true)
        #expect(listener.calls[uuid] == nil, "forgotten once the callbacks before its end ran")
        #expect(listener.calls.count == 0 && listener.sessions.count == 0)
    }

    /// With no callback queued, an ended call is forgotten on the reader at once,
    /// without waking the callback thread.
    @Test func aCallEndingWithNothingQueuedIsForgottenAtOnce() throws {
        let listener = EventListener()
        for event in try CaptureFrames.events("06") { listener.handle(event) }
        #expect(listener.calls.count == 0 && listener.sessions.count == 0)
        #expect(listener.callbackBacklog.highWaterMark == 0, "nothing was queued")
    }

    /// Reader handlers run inside `handle`, before it returns, in wire order, with the
    /// leg as the event left it; nothing goes through the callback queue for them, and
    /// each call's end comes after its answer, once.
    @Test func readerHandlersRunBeforeHandleReturnsWithoutTheCallbackQueue() throws {
        let listener = EventListener()
        let log = CallbackLog()
        let reference = EventListener()
        let expected = CallbackLog()
        listener.onReader("CHANNEL_ANSWER") { _, session in
            log.entries.withLock { $0.append("answer \(session?.uuid ?? "-") \(session?.state.description ?? "-")") }
        }
        listener.onCallEndedOnReader { call in log.entries.withLock { $0.append("ended \(call.uuid)") } }
        reference.on("CHANNEL_ANSWER") { _, session in
            expected.entries.withLock { $0.append("answer \(session?.uuid ?? "-") \(session?.state.description ?? "-")") }
        }
        reference.onCallEnded { call in expected.entries.withLock { $0.append("ended \(call.uuid)") } }
        let events = try CaptureFrames.events("06")
        var inStep = true
        for event in events {
            listener.handle(event)
            reference.handle(event)
            reference.drainCallbacks()
            // No wait on the listener's side: its handlers have run when handle returns.
            inStep = inStep && log.all == expected.all
        }
        #expect(inStep)
        #expect(log.all == expected.all)
        #expect(log.all.filter { $0.hasPrefix("ended ") }.count == 20)
        #expect(listener.callbackBacklog.highWaterMark == 0, "nothing was queued")
        #expect(listener.calls.count == 0 && listener.sessions.count == 0)
    }

    /// Event names are remembered with their handlers once seen (and matched as bytes):
    /// a handler added or removed after its name was seen counts from the next event
    /// on, and names past the remembered ones are delivered as well.
    @Test func handlersChangedAfterTheirNameWasSeenCountFromTheNextEvent() throws {
        let listener = EventListener()
        let log = CallbackLog()
        func event(_ name: String) throws -> Event {
            let body = "Event-Name: \(name)\nEvent-Sequence: 1\n\n"
            var decoder = FrameDecoder()
            decoder.append(Array("Content-Length: \(body.utf8.count)\nContent-Type: text/event-plain\n\n\(body)".utf8))
            return try Event(frame: try #require(try decoder.next()))
        }
        func record(_ tag: String) -> @Sendable (Event, Session?) -> Void {
            { event, _ in log.entries.withLock { $0.append("\(tag) \(event.name ?? "-")") } }
        }
        let first = listener.on("CUSTOM_1", record("first"))
        for number in 0..<40 { listener.handle(try event("CUSTOM_\(number)")) }
        listener.on("CUSTOM_1", record("second"))
        listener.on("CUSTOM_39", record("late"))
        listener.handle(try event("CUSTOM_1"))
        listener.handle(try event("CUSTOM_39"))
        listener.removeCallback(first)
        listener.handle(try event("CUSTOM_1"))
        listener.on("*", record("all"))
        listener.handle(try event("CUSTOM_2"))
        listener.drainCallbacks()
        #expect(
            log.all == [
                "first CUSTOM_1", "first CUSTOM_1", "second CUSTOM_1", "late CUSTOM_39", "second CUSTOM_1",
                "all CUSTOM_2",
            ])
    }

    /// An app that only chooses its calls' target (`park`) is given nothing: no event
    /// of its calls is queued for the callback thread. One that receives events is.
    @Test func appsThatReceiveNoEventsGetNothingQueued() throws {
        let events = try CaptureFrames.events("11")
        let parked = EventListener(runID: "run-7f3a")
        try parked.register(Park(), context: AppContext(appID: "app-1", listener: parked, control: SessionControl(nil)))
        for event in events { parked.handle(event) }
        #expect(parked.callbackBacklog.highWaterMark == 0)
        #expect(parked.calls.count == 0 && parked.sessions.count == 0)

        let recorded = EventListener(runID: "run-7f3a")
        let app = Recorder()
        try recorded.register(app, context: AppContext(appID: "app-1", listener: recorded, control: SessionControl(nil)))
        for event in events { recorded.handle(event) }
        recorded.drainCallbacks()
        #expect(recorded.callbackBacklog.highWaterMark > 0)
        #expect(!app.seen.withLock { $0 }.isEmpty)
    }

    /// Events are told apart by one reading of `Event-Name`: jobs and heartbeats go
    /// where they belong, channel events to the tracker, the rest nowhere.
    @Test(arguments: [
        ("BACKGROUND_JOB", CallTracker.Kind.backgroundJob), ("HEARTBEAT", .heartbeat),
        ("CHANNEL_HANGUP_COMPLETE", .hangup), ("CHANNEL_STATE", .otherChannel), ("CALL_UPDATE", .otherChannel),
        ("RE_SCHEDULE", .notChannel), ("CHANNEL_", .otherChannel),
    ])
    func eventNamesAreClassifiedOnce(_ name: String, _ kind: CallTracker.Kind) {
        var name = name
        #expect(name.withUTF8 { CallTracker.Kind(name: $0) } == kind)
        #expect(kind.isChannel == ![.backgroundJob, .heartbeat, .notChannel].contains(kind))
    }

    @Test func localTimesComeFromTheInjectedClock() throws {
        let ticks = Mutex<Int64>(0)
        let listener = EventListener(clock: { ticks.withLock { $0 += 1_000; return $0 } })
        for event in try CaptureFrames.events("05") where event.name != "CHANNEL_DESTROY" { listener.handle(event) }
        let leg = try #require(listener.sessions.all.first)
        let created = try #require(leg.localTimes.created)
        let ringing = try #require(leg.localTimes.ringing)
        #expect(created % 1_000 == 0 && ringing > created)
    }
}
