import ESL
import FreeSwitchSim
@testable import Switchy
import Testing

/// The callee-side built-in apps end to end against the simulator. The call goes to
/// `noanswer@127.0.0.1:5080`: a loop-back call whose inbound leg the slave's dialplan
/// parks unanswered, so the app decides what the callee does.
@Suite(.timeLimit(.minutes(1))) struct AppsCalleeTests {
    @Test(arguments: [
        ("USER_BUSY", 486),  // the default: a busy callee
        ("CALL_REJECTED", 603),  // a decline
        ("NO_ROUTE_DESTINATION", 404),  // an unknown number
    ])
    func blockOnInviteFailsTheOriginateWithItsCause(_ cause: String, _ status: Int) async throws {
        let sim = try await SimApps.start()
        defer { sim.stop() }
        let app = CalleeBlockOnInvite(cause: cause)
        let appID = try await sim.client.loadApp(app)
        let job = try await sim.client.originate(dest: "noanswer@127.0.0.1:5080", appID: appID)
        // The originate fails once the app's hangup, sent from a Task on the cooperative
        // pool, has reached the slave. In a full run that pool (two threads here) can be
        // busy for longer than any fixed timeout (end-to-end tests block a thread for a
        // whole `switchy run`, decoder tests hold one for minutes): wait for the job's
        // BACKGROUND_JOB, which the listener has delivered to the job before logging it.
        await sim.log.next("BACKGROUND_JOB") { $0.jobUUID == job.uuid }
        #expect(job.result == .failure(.failed(jobUUID: job.uuid, reply: "-ERR \(cause)")))
        let uuid = try #require(job.sessionUUID)
        let hangup = await sim.log.next("CHANNEL_HANGUP") { $0.uniqueID == uuid }
        #expect(hangup["Hangup-Cause"] == cause)
        #expect(hangup["variable_sip_term_status"] == String(status))
        let inbound = await sim.log.next("CHANNEL_HANGUP") { $0["Call-Direction"] == "inbound" }
        #expect(inbound["Hangup-Cause"] == cause)
        #expect(!sim.log.events.contains { $0.name == "CHANNEL_ANSWER" })
        #expect(app.errors.isEmpty)
    }

    @Test func ringbackRingsTheCallerUntilItsOriginateTimeout() async throws {
        let sim = try await SimApps.start()
        defer { sim.stop() }
        let app = CalleeRingback()
        let appID = try await sim.client.loadApp(app)
        let job = try await sim.client.originate(dest: "noanswer@127.0.0.1:5080", appID: appID, timeout: 5)
        let uuid = try #require(job.sessionUUID)
        // The 180 the callee's uuid_ring_ready sent reaches the caller.
        await sim.log.next("CHANNEL_PROGRESS") { $0.uniqueID == uuid }
        #expect(sim.listener.sessions[uuid]?.state == .ringing)
        #expect(!job.isDone)
        sim.clock?.advance(by: 5)
        await #expect(throws: JobError.failed(jobUUID: job.uuid, reply: "-ERR NO_ANSWER")) {
            _ = try await job.get(timeout: .seconds(10))
        }
        await sim.log.ended(uuid)
        #expect(!sim.log.events.contains { $0.name == "CHANNEL_ANSWER" })
        #expect(app.errors.isEmpty)
    }
}
