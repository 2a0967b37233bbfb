public import Foundation
public import Switchy

extension LoadRun {
    /// A per-second picture of the run.
    public struct Progress: Sendable, Equatable {
        /// Seconds since the first offer could be made.
        public var elapsed: Double
        /// The run's target so far: the calls the schedule asked for over the offering
        /// time so far, per second of it (∫rate / ``offeringSeconds``); once offering
        /// stops it stays at the run's `target_rate` (the README's "Counting rules").
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
        /// Seconds of offering so far: ``elapsed`` while offering, then the run's
        /// offering time.
        public var offeringSeconds: Double = 0
        /// Answers seen so far, counted when they happen (ended or not).
        public var answersSeen: Int = 0
        /// Calls up: answered and not yet ended.
        public var callsUp: Int = 0
        /// The run clock's ns at t = 0 (records' `*At` times are on that clock).
        public var clockStart: Int64 = 0
        /// Calls offered so far by slave and app (``CallLedger/offered``).
        public var offeredBy: [SlaveApp: Int] = [:]
        /// Each slave now, in the plan's order.
        public var slaves: [SlaveNow] = []

        /// Calls offered per second of offering so far (the run's `achieved_rate` once
        /// offering stops).
        public var achievedRate: Double { offeringSeconds > 0 ? Double(offered) / offeringSeconds : 0 }
    }

    /// A slave and an app, as the reports name them: the slave's name (`-` for a call
    /// no slave could take) and the app's (`-` for a call without one).
    public struct SlaveApp: Hashable, Sendable, Comparable {
        public var slave: String
        public var app: String

        public init(slave: String, app: String) {
            self.slave = slave
            self.app = app
        }

        /// The slave and app of a call.
        public init(_ record: CallRecord) {
            self.init(slave: record.slave, app: record.app ?? "-")
        }

        public static func < (lhs: SlaveApp, rhs: SlaveApp) -> Bool {
            (lhs.slave, lhs.app) < (rhs.slave, rhs.app)
        }
    }

    /// One slave as a progress snapshot sees it.
    public struct SlaveNow: Sendable, Equatable {
        public var name: String
        /// Up: connected and taking calls.
        public var up: Bool
        /// Channels up on the slave and its idle CPU (%), by the latest `api status`
        /// reading of the health sampler, else the latest HEARTBEAT; nil when neither
        /// has come.
        public var sessions: Int?
        public var idleCPU: Double?

        public init(name: String, up: Bool, sessions: Int? = nil, idleCPU: Double? = nil) {
            self.name = name
            self.up = up
            self.sessions = sessions
            self.idleCPU = idleCPU
        }
    }

    /// One slave's queues in this process over a run: where switchy itself queued.
    public struct SlaveQueues: Codable, Sendable, Equatable {
        /// The most originates (and hangups) queued at once on one of the slave's
        /// control connections for its socket to take, and their bytes
        /// (``Connection/WriteBacklog``): 0 when every command was written at once.
        public var writeBacklogHighWaterCommands = 0
        public var writeBacklogHighWaterBytes = 0
        /// The listener's callback queue: its largest depth, and the items queued while
        /// it was past its capacity (``EventListener/Backlog``).
        public var callbackQueueHighWater = 0
        public var callbackQueueOverflowed = 0

        public init() {}

        enum CodingKeys: String, CodingKey {
            case writeBacklogHighWaterCommands = "write_backlog_high_water_commands"
            case writeBacklogHighWaterBytes = "write_backlog_high_water_bytes"
            case callbackQueueHighWater = "callback_queue_high_water"
            case callbackQueueOverflowed = "callback_queue_overflowed"
        }
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
        /// What `prepare` changed on the slaves, and whether each was put back.
        public var prepared: [PreparedSetting] = []
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
        /// Each slave's own figures, read once a second (``SlaveHealthSampler``).
        public var slaveHealth = SlaveHealth.Record()
        /// Each slave's queues in this process, by slave name.
        public var sendQueues: [String: SlaveQueues] = [:]
    }
}
