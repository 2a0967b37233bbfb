@testable import Switchy
import ESL
import TestSupport
import Testing

@Suite struct JobTests {
    @Test func answeredOriginateJobGivesTheChannelUUID() async throws {
        let event = try #require(try CaptureFrames.events("02").first { $0.name == "BACKGROUND_JOB" })
        let jobs = JobTable()
        let job = Job(uuid: try #require(event.jobUUID), command: "originate …")
        jobs.register(job)
        #expect(jobs.deliver(event) === job)
        #expect(try await job.get(timeout: .seconds(1)) == "8d4a2dec-b5ae-4266-b912-b89c78b05e3e")
        #expect(job.sessionUUID == "8d4a2dec-b5ae-4266-b912-b89c78b05e3e")
        #expect(jobs.count == 0)
    }

    @Test func failedJobsCarryTheirCause() async throws {
        let events = try CaptureFrames.events("04").filter { $0.name == "BACKGROUND_JOB" }
        let jobs = JobTable()
        var causes: [String?] = []
        for event in events {
            let job = Job(uuid: try #require(event.jobUUID), command: "originate …")
            jobs.register(job)
            jobs.deliver(event)
            if case .failure(let error)? = job.result { causes.append(error.cause) }
        }
        #expect(causes == ["USER_BUSY", "NO_ROUTE_DESTINATION", "INVALID_PROFILE"])
    }

    @Test func anotherClientsJobIsIgnored() throws {
        let event = try #require(try CaptureFrames.events("02").first { $0.name == "BACKGROUND_JOB" })
        let jobs = JobTable()
        let mine = Job(uuid: "not-that-one", command: "status")
        jobs.register(mine)
        #expect(jobs.deliver(event) == nil)
        #expect(!mine.isDone)
    }

    @Test func waitGivesUpAfterItsTimeoutAndGetSaysTimedOut() async {
        let job = Job(uuid: "j1", command: "status")
        #expect(await job.wait(timeout: .milliseconds(1)) == false)
        await #expect(throws: JobError.timedOut(jobUUID: "j1")) { _ = try await job.get(timeout: .milliseconds(1)) }
    }

    @Test func waitersWakeWhenTheResultArrives() async {
        let job = Job(uuid: "j2", command: "status")
        async let done = job.wait(timeout: .seconds(60))
        job.resolve(body: "+OK done\n")
        #expect(await done)
        #expect(job.result == .success("done"))
    }

    @Test func aLostListenerFailsWaitingJobs() async {
        let jobs = JobTable()
        let job = Job(uuid: "j3", command: "status")
        jobs.register(job)
        jobs.failAll(reason: "127.0.0.1:8021: disconnected")
        await #expect(throws: JobError.lost(jobUUID: "j3", reason: "127.0.0.1:8021: disconnected")) {
            _ = try await job.get(timeout: .seconds(1))
        }
    }

    @Test func theFirstResultWins() {
        let job = Job(uuid: "j4", command: "status")
        job.resolve(body: "+OK first")
        job.resolve(body: "-ERR second")
        #expect(job.result == .success("first"))
    }
}
