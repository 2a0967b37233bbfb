#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who a simulated FreeSWITCH is: the values of the base headers every event carries.
struct SwitchIdentity: Sendable {
    var coreUUID: String
    var hostname: String
    var switchname: String
    var ipv4: String
    var ipv6: String
}

/// Makes the base headers of every event (esl-protocol.md §4.1), in FreeSWITCH's
/// order: `Event-Name`, `Core-UUID`, `FreeSWITCH-Hostname`, `-Switchname`, `-IPv4`,
/// `-IPv6`, `Event-Date-Local`, `Event-Date-GMT`, `Event-Date-Timestamp`,
/// `Event-Calling-File`, `-Function`, `-Line-Number`, `Event-Sequence`.
///
/// Timestamps are the core timer's: they move in 20 ms ticks. Not thread-safe; used
/// under the core's lock.
struct EventFactory {
    /// The core timer tick, in µs (FreeSWITCH's default `microseconds_per_tick`).
    static let tick: Int64 = 20_000

    let identity: SwitchIdentity
    /// A fixed offset inside the tick, so timestamps look like a real server's
    /// (whose ticks are not aligned on round milliseconds).
    let phase: Int64
    private(set) var sequence: UInt64
    private var cachedSecond: Int64 = -1
    private var cachedLocal = ""
    private var cachedGMT = ""
    private var stampSecond: Int64 = -1
    private var stampText = ""
    /// Encoded `Event-Date-Local` and `Event-Date-GMT` lines of `cachedSecond`.
    private var cachedDateLines: [UInt8] = []
    /// Encoded identity lines (`Core-UUID` … `FreeSWITCH-IPv6`).
    private let identityLines: [UInt8]
    /// False when an identity value does not decode back from its line.
    private let identityReversible: Bool
    /// Encoded `Event-Calling-*` lines per event name.
    private var callingLines: [String: [UInt8]] = [:]

    init(identity: SwitchIdentity, firstSequence: UInt64 = 400, phase: Int64 = 7_191) {
        self.identity = identity
        self.sequence = firstSequence
        self.phase = phase
        identityLines =
            HeaderBlock.line("Core-UUID", identity.coreUUID) + HeaderBlock.line("FreeSWITCH-Hostname", identity.hostname)
            + HeaderBlock.line("FreeSWITCH-Switchname", identity.switchname)
            + HeaderBlock.line("FreeSWITCH-IPv4", identity.ipv4) + HeaderBlock.line("FreeSWITCH-IPv6", identity.ipv6)
        identityReversible = [identity.coreUUID, identity.hostname, identity.switchname, identity.ipv4, identity.ipv6]
            .allSatisfy { !PlainEncoding.keepsEscape($0) }
    }

    /// `now` rounded down to the core tick.
    func ticked(_ now: Int64) -> Int64 {
        let shifted = now - phase
        return shifted - ((shifted % Self.tick) + Self.tick) % Self.tick + phase
    }

    /// The base headers of a new event named `name`, stamped `time` (already ticked).
    mutating func base(_ name: String, time: Int64, subclass: String? = nil) -> HeaderBlock {
        sequence += 1
        let second = time / 1_000_000
        if second != cachedSecond {
            cachedSecond = second
            (cachedLocal, cachedGMT) = Self.dates(second)
            cachedDateLines = HeaderBlock.line("Event-Date-Local", cachedLocal) + HeaderBlock.line("Event-Date-GMT", cachedGMT)
        }
        let callingBytes: [UInt8]
        if let cached = callingLines[name] {
            callingBytes = cached
        } else {
            // First event of this type: encode its calling-site lines once.
            let calling = Self.calling(name)
            callingBytes =
                HeaderBlock.line("Event-Calling-File", calling.file)
                + HeaderBlock.line("Event-Calling-Function", calling.function)
                + HeaderBlock.line("Event-Calling-Line-Number", calling.line)
            callingLines[name] = callingBytes
        }
        var plain: [UInt8] = []
        plain.reserveCapacity(identityLines.count + cachedDateLines.count + callingBytes.count + 128)
        var reversible = HeaderBlock.append("Event-Name", name, to: &plain) && identityReversible
        plain += identityLines
        plain += cachedDateLines
        plain += Self.timestampPrefix
        DecimalText.append(time, to: &plain)
        plain.append(0x0A)
        plain += callingBytes
        plain += Self.sequencePrefix
        DecimalText.append(sequence, to: &plain)
        plain.append(0x0A)
        if let subclass, !HeaderBlock.append("Event-Subclass", subclass, to: &plain) { reversible = false }
        guard !reversible else { return HeaderBlock(plain: plain) }
        // A name or identity value that does not decode back: keep the raw headers too.
        let calling = Self.calling(name)
        var headers: [(name: String, value: String)] = [
            ("Event-Name", name), ("Core-UUID", identity.coreUUID), ("FreeSWITCH-Hostname", identity.hostname),
            ("FreeSWITCH-Switchname", identity.switchname), ("FreeSWITCH-IPv4", identity.ipv4),
            ("FreeSWITCH-IPv6", identity.ipv6), ("Event-Date-Local", cachedLocal), ("Event-Date-GMT", cachedGMT),
            ("Event-Date-Timestamp", String(time)), ("Event-Calling-File", calling.file),
            ("Event-Calling-Function", calling.function), ("Event-Calling-Line-Number", calling.line),
            ("Event-Sequence", String(sequence)),
        ]
        if let subclass { headers.append(("Event-Subclass", subclass)) }
        return HeaderBlock(plain: plain, raw: headers)
    }

    private static func calling(_ name: String) -> (file: String, function: String, line: String) {
        SampleValues.calling[name] ?? ("mod_event_socket.c", "event_handler", "1")
    }

    private static let timestampPrefix = Array("Event-Date-Timestamp: ".utf8)
    private static let sequencePrefix = Array("Event-Sequence: ".utf8)

    /// `YYYY-MM-DD HH:MM:SS` in local time, and the RFC 822 GMT date.
    static func dates(_ second: Int64) -> (local: String, gmt: String) {
        var seconds = time_t(second)
        var local = tm()
        var gmt = tm()
        localtime_r(&seconds, &local)
        gmtime_r(&seconds, &gmt)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let localText =
            "\(local.tm_year + 1900)-\(two(local.tm_mon + 1))-\(two(local.tm_mday)) "
            + "\(two(local.tm_hour)):\(two(local.tm_min)):\(two(local.tm_sec))"
        let gmtText =
            "\(days[Int(gmt.tm_wday)]), \(two(gmt.tm_mday)) \(months[Int(gmt.tm_mon)]) \(gmt.tm_year + 1900) "
            + "\(two(gmt.tm_hour)):\(two(gmt.tm_min)):\(two(gmt.tm_sec)) GMT"
        return (localText, gmtText)
    }

    /// The local time of `second` as `YYYY-MM-DD HH:MM:SS` (CDR `*_stamp` variables).
    mutating func localStamp(_ second: Int64) -> String {
        if second == cachedSecond { return cachedLocal }
        if second == stampSecond { return stampText }
        stampSecond = second
        stampText = Self.dates(second).local
        return stampText
    }

    private static func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
}
