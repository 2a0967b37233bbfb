public import Foundation
public import Switchy

extension LoadRun {
    /// A per-second picture of the run.
    public struct Progress: Sendable, Equatable {
        /// Seconds since the first offer could be made.
        public var elapsed: Double
        /// The pacer's rate now, calls/s.
        public var targetRate: Double
        public var offered: Int
        public var blocked: Int
        public var inFlight: Int
        /// Finished calls by outcome.
        public var outcomes: [CallRecord.Outcome: Int]
        /// False once offering has stopped (draining).
        public var offering: Bool
        /// Channels up on the slaves by their latest HEARTBEAT (`Session-Count`, summed;
        /// nil before the first heartbeat; FreeSWITCH sends one every 20 s by default).
        public var heartbeatSessions: Int? = nil
    }

    /// What a finished run reports beyond its records.
    public struct Result: Sendable {
        public var startedAt: Date
        public var endedAt: Date
        /// Monotonic ns of the run clock at the start (records' times are on this clock).
        public var clockStart: Int64
        public var offered: Int
        public var blocked: Int
        public var outcomes: [CallRecord.Outcome: Int]
        public var interrupted: Bool
        /// Slaves going down and up, by slave name.
        public var slaveEvents: [String: [SlaveEvent]]
        /// Each slave's limits as preflight read them.
        public var slaveStatus: [String: SlaveFacts.Status]
        /// Each slave's latest heartbeat.
        public var heartbeats: [String: Heartbeat]
        /// Warnings raised (limits that do not fit, …).
        public var warnings: [String]
        /// Seconds from the start until offering stopped.
        public var offeringSeconds: Double
        /// Calls the pacer made due while offering (offered + blocked).
        public var due: Int { offered + blocked }
        /// Events the listeners handled during the run.
        public var eventsHandled: Int = 0
        /// This process's CPU time (user + system) and peak resident memory at the end:
        /// the generator's own cost (embedded simulated slaves included).
        public var cpuSeconds: Double = 0
        public var peakResidentMB: Double = 0
        /// The record queue's largest depth (records closed and not yet through
        /// every sink), and its depth when the last call was closed.
        public var recordQueueHighWater: Int = 0
        public var recordQueueDepthAtEnd: Int = 0
    }
}
