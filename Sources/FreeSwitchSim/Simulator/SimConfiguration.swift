import Foundation

/// A sofia profile of a simulated FreeSWITCH: a name and the SIP address it "binds".
public struct SofiaProfile: Sendable, Equatable {
    public var name: String
    public var sipIP: String
    public var sipPort: Int

    public init(name: String = "external", sipIP: String = "127.0.0.1", sipPort: Int = 5080) {
        self.name = name
        self.sipIP = sipIP
        self.sipPort = sipPort
    }

    /// `sip:mod_sofia@<ip>:<port>`.
    public var url: String { "sip:mod_sofia@\(sipIP):\(sipPort)" }
}

/// A delay drawn for each call, in seconds.
public enum SimDelay: Sendable, Equatable {
    /// Always the same.
    case fixed(Double)
    /// Uniform between the two bounds.
    case uniform(Double, Double)
    /// Exponentially distributed with this mean.
    case exponential(mean: Double)

    func draw(_ random: inout SimRandom) -> Double {
        switch self {
        case .fixed(let value): max(0, value)
        case .uniform(let low, let high): max(0, low + (high - low) * random.unit())
        case .exponential(let mean): max(0, -mean * log(1 - random.unit()))
        }
    }
}

/// The timing and capacity model of one simulated FreeSWITCH.
public struct SimTiming: Sendable, Equatable {
    /// Time from the INVITE to the 200 for answering destinations (`echo`, `park`,
    /// `9196`, `tone`).
    public var answerDelay: SimDelay = .fixed(0)
    /// Time from the INVITE to the 180/183 for `ring`, `ringanswer`, `earlymedia`,
    /// and to the final answer for rejected destinations.
    public var ringDelay: SimDelay = .fixed(0)
    /// Time from the 180/183 to the 200 for `ringanswer` and `earlymedia` (1 s in the lab).
    public var progressToAnswer: SimDelay = .fixed(1)
    /// The far end as a profile's `sim` describes it: every answering destination rings
    /// (180) at ``ringDelay`` when that comes before its answer, and answers at
    /// ``answerDelay``; `ringanswer` and `earlymedia` also answer at ``answerDelay`` (at
    /// their ring at the earliest) instead of 1 s after it. False (the default): the lab
    /// dialplan of the captures, where `echo` answers without ringing.
    public var ringsBeforeAnswer = false
    /// Fraction (0…1) of calls to answering destinations that fail instead.
    public var failureRatio: Double = 0
    /// Causes for those failures, with a SIP status each; drawn uniformly.
    public var failureCauses: [FailureCause] = [FailureCause(cause: "NORMAL_TEMPORARY_FAILURE", sipStatus: 503)]
    /// `sessions-per-second` (FreeSWITCH's default 30; allows 29 new sessions a second).
    public var sessionsPerSecond: Int = 30
    /// `max-sessions` (FreeSWITCH's default 1000).
    public var maxSessions: Int = 1000
    /// The idle CPU (%) with no session up, as `status` and HEARTBEAT report it.
    public var idleCPU: Double = 98.7
    /// The CPU (%) each session up takes: the idle CPU reported is
    /// `idleCPU − cpuPerSession × sessions`, never below 0. A call to an answering
    /// destination is one session; one that loops back into the simulator, two.
    public var cpuPerSession: Double = 0.01
    /// Seed of the random draws (delays, failures), so runs repeat.
    public var seed: UInt64 = 0x5157_1C4E

    public init() {}

    /// A simulated failure: a hangup cause and the SIP status that carried it.
    public struct FailureCause: Sendable, Equatable {
        public var cause: String
        public var sipStatus: Int
        public init(cause: String, sipStatus: Int) {
            self.cause = cause
            self.sipStatus = sipStatus
        }
    }
}

/// Faults to inject into one simulated FreeSWITCH's ESL connections.
public struct SimFaults: Sendable, Equatable {
    /// Close each connection (no notice) after it has been sent this many events.
    public var dropAfterEvents: Int?
    /// Close the first connection to be sent this many events (no notice), once per
    /// slave: later connections (a client reconnecting) are kept. A drop that does not
    /// depend on how long the client took to get going, for tests on a loaded machine.
    public var dropOnceAfterEvents: Int?
    /// Close the connections open when the clock reaches this many seconds after the
    /// slave started (no notice), once: connections opened at or after that time are
    /// kept, so a client can reconnect (unless ``refuseReconnect``).
    public var dropAtSeconds: Double?
    /// Once a drop fault (``dropAtSeconds``, ``dropAfterEvents``, ``dropOnceAfterEvents``) has closed a
    /// connection, answer every later `auth` with `-ERR invalid`, then disconnect: a
    /// slave that lets us in at the start but refuses us when we come back.
    public var refuseReconnect = false
    /// After this many events on a connection, write no events for ``stallSeconds``.
    public var stallAfterEvents: Int?
    /// How long a stall lasts (clock seconds); events queue meanwhile.
    public var stallSeconds: Double = 0
    /// `slow_commands`: each connection's command loop spends this many milliseconds
    /// (clock time) on every command after `auth`, as a server whose command loop is
    /// slow: it takes command n + 1 only once command n has had its time, and reads
    /// no more from the socket meanwhile, so under load its receive buffer fills, the
    /// client's writes back up and replies (and `bgapi` jobs) come late. Events are
    /// still written while a command waits. 0: none. Read before each command, so a
    /// change applies to the command waiting now; on a ``ManualClock`` no command is
    /// taken until the clock is advanced past its time.
    public var slowCommandMilliseconds: Double = 0
    /// Write one malformed frame (a header line without a colon) after this many events,
    /// once per slave: on the first connection to be sent that many, not on later ones
    /// (so a client that resets and reconnects gets a clean stream).
    public var malformedFrameAfterEvents: Int?
    /// Answer every `auth` with `-ERR invalid`, then disconnect.
    public var refuseAuth = false
    /// Greet with `text/rude-rejection` (as for a client outside the ACL), then disconnect.
    public var rudeRejection = false
    /// Silently drop every Nth event queued to a connection (as FreeSWITCH does on
    /// overflow, nothing on the wire says so).
    public var loseEveryNthEvent: Int?
    /// Shut down gracefully when the clock reaches this many seconds after the slave
    /// started, once, as `api fsctl shutdown` does (capture 24): every call hung up with
    /// `SYSTEM_SHUTDOWN`, originates refused, then the notice and EOF on every connection.
    public var shutdownAtSeconds: Double?
    /// After a graceful shutdown (``shutdownAtSeconds`` or `fsctl shutdown`), listen
    /// again this many seconds after the sockets closed, as a restarted FreeSWITCH
    /// would (a new `Core-UUID`, no calls, counters from zero). nil: stay down.
    public var restartAfterSeconds: Double?

    public init() {}
}

/// Everything that makes one simulated FreeSWITCH.
public struct SimConfiguration: Sendable {
    /// Address to listen on (loopback unless told otherwise).
    public var host = "127.0.0.1"
    /// ESL port; 0 picks a free one.
    public var port = 0
    public var password = "ClueCon"
    /// `FreeSWITCH-Switchname`.
    public var switchname = "sim-1"
    /// `FreeSWITCH-Hostname`.
    public var hostname = "sim"
    /// `Core-UUID`; new for each slave unless set.
    public var coreUUID = UUID().uuidString.lowercased()
    public var ipv4 = "127.0.0.1"
    public var ipv6 = "::1"
    /// Sofia profiles; a dial string naming another one fails with `INVALID_PROFILE`.
    public var profiles = [SofiaProfile()]
    /// Gateways `sofia/gateway/<name>/…` accepts (none by default, as a vanilla
    /// FreeSWITCH); others fail with `INVALID_GATEWAY`.
    public var gateways: [String] = []
    /// Seconds between HEARTBEAT events (FreeSWITCH's default 20); 0 disables them.
    public var heartbeatInterval: Double = 20
    public var timing = SimTiming()
    public var faults = SimFaults()
    /// The RTP its legs report.
    public var media = SimMedia()
    /// The time source; a ``ManualClock`` makes every delay run on demand.
    public var clock: any SimClock = SystemClock()

    public init() {}
}
