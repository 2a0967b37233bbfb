@testable import Switchy
import ESL
import TestSupport
import Testing

/// The call model fed with the real captures' events.
@Suite struct CallTrackerTests {
    struct Replay {
        var tracker = CallTracker()
        var ended: [Call] = []
        var transitions: [String: [Session.State]] = [:]

        init(_ capture: String) throws {
            for (index, event) in try CaptureFrames.events(capture).enumerated() {
                guard let change = tracker.apply(event, kind: CallTracker.Kind(event), now: Int64(index)) else {
                    continue
                }
                if change.previousState != change.session.state {
                    transitions[change.session.uuid, default: []].append(change.session.state)
                }
                if let call = change.endedCall { ended.append(call) }
            }
        }
    }

    @Test func answeredCallOfCapture02() throws {
        let replay = try Replay("02")
        let uuid = "8d4a2dec-b5ae-4266-b912-b89c78b05e3e"
        #expect(replay.transitions[uuid] == [.created, .answered, .hungUp, .destroyed])
        let call = try #require(replay.ended.first)
        #expect(replay.ended.count == 1)
        #expect(call.uuid == uuid)
        let leg = try #require(call.originatingSession)
        #expect(leg.direction == .outbound)
        #expect(leg.hangupCause == "NORMAL_CLEARING")
        let created = try #require(leg.serverTimes.created)
        let answered = try #require(leg.serverTimes.answered)
        let hungUp = try #require(leg.serverTimes.hungUp)
        #expect(created <= answered && answered <= hungUp)
        #expect(leg.variables["origination_uuid"] == uuid)
        #expect(replay.tracker.sessions.isEmpty && replay.tracker.calls.isEmpty, "an ended call is forgotten")
    }

    @Test func rejectedCallsOfCapture04CarryCauseAndSIPStatus() throws {
        let replay = try Replay("04")
        let byUUID = Dictionary(uniqueKeysWithValues: replay.ended.map { ($0.uuid, $0) })
        let busy = try #require(byUUID["995695bf-8f99-46c6-8977-dad8d2b86335"]?.originatingSession)
        #expect(busy.hangupCause == "USER_BUSY")
        #expect(busy.sipStatus == 486)
        #expect(!busy.wasAnswered)
        let unknown = try #require(byUUID["65e42f15-dbf1-4aee-a0b6-b6cf25fca0ae"]?.originatingSession)
        #expect(unknown.hangupCause == "NO_ROUTE_DESTINATION")
        #expect(unknown.sipStatus == 404)
        // Unknown profile: CHANNEL_DESTROY without CHANNEL_CREATE.
        let invalid = try #require(byUUID["f28ae873-0dca-401e-8241-be3dad08b7e8"]?.originatingSession)
        #expect(replay.transitions[invalid.uuid] == [.destroyed])
        #expect(invalid.serverTimes.created == nil)
    }

    @Test func ringTimeoutOfCapture05() throws {
        let replay = try Replay("05")
        let leg = try #require(replay.ended.first?.originatingSession)
        #expect(replay.transitions[leg.uuid] == [.created, .ringing, .hungUp, .destroyed])
        #expect(leg.hangupCause == "NO_ANSWER")
        #expect(leg.serverTimes.ringing != nil && leg.serverTimes.answered == nil)
    }

    @Test func earlyMediaThenAnswerOfCapture21() throws {
        let replay = try Replay("21")
        #expect(replay.ended.count == 2)
        for call in replay.ended {
            let leg = try #require(call.originatingSession)
            #expect(replay.transitions[leg.uuid] == [.created, .earlyMedia, .answered, .hungUp, .destroyed])
            #expect(try #require(leg.serverTimes.earlyMedia) <= (try #require(leg.serverTimes.answered)))
        }
    }

    @Test func loopBackCallOfCapture11HasBothLegsOriginatingFirst() throws {
        let replay = try Replay("11")
        #expect(replay.ended.count == 1)
        let call = try #require(replay.ended.first)
        #expect(call.uuid == "5b1e0c7a-2f43-4d55-9a0e-1c2d3e4f5a6b")
        #expect(call.sessions.map(\.direction) == [.outbound, .inbound])
        #expect(call.sessions[0].hangupCause == "ALLOTTED_TIMEOUT")
        #expect(call.sessions[1].hangupCause == "NORMAL_CLEARING")
        #expect(call.sessions[1].sipStatus == 200)
        #expect(call.appID == "app-1")
        #expect(call.sessions[0].variables["sip_call_id"] == call.sessions[1].variables["sip_call_id"])
    }

    /// FreeSWITCH drops events silently for a client that falls behind: a leg whose
    /// CHANNEL_ANSWER never came is still answered, by the time its hangup carries.
    @Test func aLostAnswerIsReadFromTheHangup() throws {
        var tracker = CallTracker()
        var ended: Call?
        for (index, event) in try CaptureFrames.events("02").enumerated() where event.name != "CHANNEL_ANSWER" {
            ended = tracker.apply(event, kind: CallTracker.Kind(event), now: Int64(index))?.endedCall ?? ended
        }
        let leg = try #require(ended?.originatingSession)
        #expect(leg.wasAnswered)
        #expect(leg.serverTimes.answered == 1_795_728_774_487_191)
        #expect(leg.localTimes.answered == nil, "when it arrived here is unknown")
    }

    @Test func stateNeverMovesBackwardsAndDuplicatesChangeNothing() throws {
        let events = try CaptureFrames.events("09")
        var tracker = CallTracker()
        // Feed every event twice, and the whole list reversed afterwards.
        for (index, event) in (events + events).enumerated() {
            _ = tracker.apply(event, kind: CallTracker.Kind(event), now: Int64(index))
        }
        var reversed = CallTracker()
        var states: [String: Session.State] = [:]
        for (index, event) in events.reversed().enumerated() {
            guard let change = reversed.apply(event, kind: CallTracker.Kind(event), now: Int64(index)) else { continue }
            if let before = states[change.session.uuid] { #expect(change.session.state >= before) }
            states[change.session.uuid] = change.session.state
        }
        // Reversed, each leg is destroyed first, then ignored: nothing is left behind.
        #expect(reversed.sessions.isEmpty)
        #expect(tracker.sessions.isEmpty)
    }
}
