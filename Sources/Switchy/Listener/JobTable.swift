package import ESL
import Synchronization

/// Jobs waiting for their BACKGROUND_JOB, keyed by Job-UUID.
///
/// A result for a Job-UUID nobody registered is another client's job on the same
/// server (FreeSWITCH sends every BACKGROUND_JOB to every subscriber) and is ignored.
package final class JobTable: Sendable {
    private let jobs = Mutex<[String: Job]>([:])

    package init() {}

    /// Starts tracking `job`; call before sending its bgapi.
    package func register(_ job: Job) {
        jobs.withLock { $0[job.uuid] = job }
    }

    /// Stops tracking a job (its bgapi was refused).
    package func remove(_ uuid: String) {
        _ = take(uuid)
    }

    /// Stops tracking a job and returns it, or nil if it is no longer waiting (its
    /// result came, or the connection ended).
    package func take(_ uuid: String) -> Job? {
        jobs.withLock { $0.removeValue(forKey: uuid) }
    }

    /// Resolves the job a BACKGROUND_JOB event names. Returns the job, or nil if it
    /// was not ours.
    @discardableResult
    package func deliver(_ event: Event) -> Job? {
        guard let uuid = event.jobUUID, let job = jobs.withLock({ $0.removeValue(forKey: uuid) }) else { return nil }
        job.resolve(body: event.body ?? "")
        return job
    }

    /// Fails every job still waiting (the event connection ended).
    package func failAll(reason: String) {
        let waiting = jobs.withLock { jobs in
            defer { jobs = [:] }
            return Array(jobs.values)
        }
        for job in waiting { job.fail(.lost(jobUUID: job.uuid, reason: reason)) }
    }

    /// The waiting job with this Job-UUID.
    package subscript(uuid: String) -> Job? { jobs.withLock { $0[uuid] } }

    /// How many jobs are waiting.
    package var count: Int { jobs.withLock { $0.count } }
}
