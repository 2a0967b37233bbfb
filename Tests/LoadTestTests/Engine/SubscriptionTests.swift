@testable import LoadTest
@testable import Switchy
import Testing

/// Which events a run asks its slaves for: only what the tracker reads when no app of
/// the run receives events, the listener's whole base set when one does.
@Suite struct SubscriptionTests {
    /// An app that keeps the default `receivesEvents` (true).
    struct Listening: CallApp {}

    static func plan(apps: [RunPlan.App]) -> RunPlan {
        RunPlan(
            name: "subscription", runID: "run-sub",
            slaves: ["sim-1", "sim-2"].map {
                RunPlan.Slave(name: $0, host: "127.0.0.1", port: 8021, password: "x", call: .init(dest: "echo"))
            },
            pacer: Pacer(curve: .constant(1), endTime: 1), apps: apps)
    }

    @Test func parkAndEchoRunsAskOnlyForWhatTheTrackerReads() {
        let run = LoadRun(
            plan: Self.plan(apps: [RunPlan.App(name: "park", app: Park()), RunPlan.App(name: "echo", app: Echo())]),
            sinks: [])
        #expect(run.links.allSatisfy { $0.listener.events == EventListener.trackingEvents })
    }

    @Test func aRunWithAnAppThatReceivesEventsAsksForTheBaseSet() {
        let run = LoadRun(
            plan: Self.plan(apps: [RunPlan.App(name: "park", app: Park()), RunPlan.App(name: "mine", app: Listening())]),
            sinks: [])
        #expect(run.links.allSatisfy { $0.listener.events == EventListener.baseEvents })
    }

    /// What the tracking set leaves out marks nothing on a leg: each such name is
    /// classified as "another channel event", and nothing the tracker marks, nor a
    /// job's result, a heartbeat or a shutdown, is left out.
    @Test func theTrackingSetLeavesOutOnlyEventsThatMarkNothing() {
        let left = EventListener.baseEvents.filter { !EventListener.trackingEvents.contains($0) }
        #expect(left.sorted() == ["CALL_UPDATE", "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_PARK"])
        for name in left {
            let kind = Array(name.utf8).withUnsafeBufferPointer { CallTracker.Kind(name: $0) }
            #expect(kind == .otherChannel, "\(name)")
        }
        for name in EventListener.trackingEvents where name != "SHUTDOWN" {
            let kind = Array(name.utf8).withUnsafeBufferPointer { CallTracker.Kind(name: $0) }
            #expect(kind != .otherChannel && kind != .notChannel, "\(name)")
        }
    }
}
