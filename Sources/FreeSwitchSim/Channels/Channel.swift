/// One simulated call leg: its state, caller profile and variables, and how its
/// events are built.
///
/// Not thread-safe: channels live in ``SwitchCore`` and are touched only under its
/// lock.
final class Channel {
    enum Direction: String { case outbound, inbound }

    let uuid: String
    let direction: Direction
    let name: String
    /// Sofia profile the leg belongs to.
    let profile: SofiaProfile

    var state = ChannelState.none { didSet { dataBlock = nil } }
    /// `Channel-State-Number`: the *requested* state, which can run ahead of `state`.
    var stateNumber = ChannelState.initial.rawValue { didSet { dataBlock = nil } }
    var callState = CallState.down { didSet { dataBlock = nil } }
    var hitDialplan = false { didSet { dataBlock = nil } }
    var answerState = "ringing" { didSet { dataBlock = nil } }
    var hangupCause: HangupCause? { didSet { dataBlock = nil } }
    var hasCodec = false { didSet { dataBlock = nil } }
    /// False until an inbound leg has its caller profile (its first CHANNEL_STATE has none).
    var hasProfile = true { didSet { profileBlock = nil } }

    var profileFields = CallerProfile() { didSet { profileBlock = nil } }
    var variables = VariableStore()

    /// Call-model bookkeeping (owned by ``SwitchCore``).
    var call = CallModel()
    /// The variable values chosen when the leg was created (see ``SampleOverrides``).
    var values: SampleOverrides?

    private var dataBlock: HeaderBlock?
    private var profileBlock: HeaderBlock?

    init(uuid: String, direction: Direction, name: String, profile: SofiaProfile) {
        self.uuid = uuid
        self.direction = direction
        self.name = name
        self.profile = profile
    }

    var isAnswered: Bool { profileFields.answered != 0 }
    var isUp: Bool { hangupCause == nil }
    /// Whether its hangup comes as a BYE from the far end: an inbound leg's does,
    /// unless this server ended the call itself (a shutdown).
    var receivesBye: Bool { direction == .inbound && !call.endedHere }

    /// Encoded lines that never change: `Channel-Name` … `Presence-Call-Direction`,
    /// and `Channel-Call-UUID`; and whether they decode back exactly.
    private lazy var identityLines = (
        HeaderBlock.line("Channel-Name", name) + HeaderBlock.line("Unique-ID", uuid)
            + HeaderBlock.line("Call-Direction", direction.rawValue)
            + HeaderBlock.line("Presence-Call-Direction", direction.rawValue),
        HeaderBlock.line("Channel-Call-UUID", uuid),
        HeaderBlock.isReversible("Channel-Name", name) && HeaderBlock.isReversible("Unique-ID", uuid)
    )

    /// Channel data (`switch_channel_event_set_basic_data`), encoded straight into
    /// bytes: it changes with nearly every event of a call.
    func channelData() -> HeaderBlock {
        if let dataBlock { return dataBlock }
        let identity = identityLines
        var plain: [UInt8] = []
        plain.reserveCapacity(identity.0.count + identity.1.count + 420)
        HeaderBlock.append("Channel-State", state.name, to: &plain)
        HeaderBlock.append("Channel-Call-State", callState.name, to: &plain)
        plain += Self.stateNumberPrefix
        DecimalText.append(stateNumber, to: &plain)
        plain.append(0x0A)
        plain += identity.0
        plain += hitDialplan ? Self.hitDialplanTrue : Self.hitDialplanFalse
        plain += identity.1
        HeaderBlock.append("Answer-State", answerState, to: &plain)
        if let hangupCause { HeaderBlock.append("Hangup-Cause", hangupCause.name, to: &plain) }
        if hasCodec { plain += Self.codecLines }
        let block = HeaderBlock(plain: plain, raw: identity.2 ? nil : channelDataHeaders())
        dataBlock = block
        return block
    }

    /// The raw channel data headers, for a channel whose name or uuid does not decode
    /// back from its plain lines.
    private func channelDataHeaders() -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("Channel-State", state.name), ("Channel-Call-State", callState.name),
            ("Channel-State-Number", String(stateNumber)), ("Channel-Name", name), ("Unique-ID", uuid),
            ("Call-Direction", direction.rawValue), ("Presence-Call-Direction", direction.rawValue),
            ("Channel-HIT-Dialplan", hitDialplan ? "true" : "false"), ("Channel-Call-UUID", uuid),
            ("Answer-State", answerState),
        ]
        if let hangupCause { headers.append(("Hangup-Cause", hangupCause.name)) }
        if hasCodec { headers += Self.codecHeaders }
        return headers
    }

    private static let stateNumberPrefix = Array("Channel-State-Number: ".utf8)
    private static let hitDialplanTrue = HeaderBlock.line("Channel-HIT-Dialplan", "true")
    private static let hitDialplanFalse = HeaderBlock.line("Channel-HIT-Dialplan", "false")
    private static let codecHeaders: [(name: String, value: String)] = [
        ("Channel-Read-Codec-Name", "PCMU"), ("Channel-Read-Codec-Rate", "8000"),
        ("Channel-Read-Codec-Bit-Rate", "64000"), ("Channel-Write-Codec-Name", "PCMU"),
        ("Channel-Write-Codec-Rate", "8000"), ("Channel-Write-Codec-Bit-Rate", "64000"),
    ]
    private static let codecLines = HeaderBlock(codecHeaders).plain

    /// The caller profile (`switch_caller_profile_event_set_data`), or an empty block.
    func callerProfile() -> HeaderBlock {
        if let profileBlock { return profileBlock }
        let block = hasProfile ? profileFields.block(direction: direction, name: name, uuid: uuid) : .empty
        profileBlock = block
        return block
    }
}

/// The fields of a caller profile that show up as `Caller-*` headers.
struct CallerProfile {
    var username: String?
    var dialplan: String?
    var callerIDName = ""
    var callerIDNumber = "0000000000"
    var origCallerIDName = ""
    var origCallerIDNumber = "0000000000"
    var calleeIDName = ""
    var calleeIDNumber = ""
    var networkAddr: String?
    var ani = "0000000000"
    var destination = ""
    var source = "src/switch_ivr_originate.c"
    var context = "default"
    var created: Int64 = 0
    var answered: Int64 = 0
    var progress: Int64 = 0
    var progressMedia: Int64 = 0
    var hangup: Int64 = 0

    /// The `Caller-*` headers, encoded (the raw headers kept only when needed).
    func block(direction: Channel.Direction, name: String, uuid: String) -> HeaderBlock {
        var plain: [UInt8] = []
        plain.reserveCapacity(1200)
        var reversible = true
        func add(_ header: String, _ value: String) {
            if !HeaderBlock.append(header, value, to: &plain) { reversible = false }
        }
        func add(_ header: [UInt8], _ value: Int64) {
            plain += header
            DecimalText.append(value, to: &plain)
            plain.append(0x0A)
        }
        add("Caller-Direction", direction.rawValue)
        add("Caller-Logical-Direction", direction.rawValue)
        if let username { add("Caller-Username", username) }
        if let dialplan { add("Caller-Dialplan", dialplan) }
        if !callerIDName.isEmpty { add("Caller-Caller-ID-Name", callerIDName) }
        add("Caller-Caller-ID-Number", callerIDNumber)
        if !origCallerIDName.isEmpty { add("Caller-Orig-Caller-ID-Name", origCallerIDName) }
        add("Caller-Orig-Caller-ID-Number", origCallerIDNumber)
        if !calleeIDName.isEmpty { add("Caller-Callee-ID-Name", calleeIDName) }
        if !calleeIDNumber.isEmpty { add("Caller-Callee-ID-Number", calleeIDNumber) }
        if let networkAddr { add("Caller-Network-Addr", networkAddr) }
        add("Caller-ANI", ani)
        add("Caller-Destination-Number", destination)
        add("Caller-Unique-ID", uuid)
        add("Caller-Source", source)
        add("Caller-Context", context)
        add("Caller-Channel-Name", name)
        plain += Self.profileIndexLine
        add(Self.createdPrefixes.0, created)
        add(Self.createdPrefixes.1, created)
        add(Self.timePrefixes.0, answered)
        add(Self.timePrefixes.1, progress)
        add(Self.timePrefixes.2, progressMedia)
        add(Self.timePrefixes.3, hangup)
        plain += Self.fixedTail
        return HeaderBlock(plain: plain, raw: reversible ? nil : headers(direction: direction, name: name, uuid: uuid))
    }

    private static let profileIndexLine = HeaderBlock.line("Caller-Profile-Index", "1")
    private static let createdPrefixes = (
        Array("Caller-Profile-Created-Time: ".utf8), Array("Caller-Channel-Created-Time: ".utf8)
    )
    private static let timePrefixes = (
        Array("Caller-Channel-Answered-Time: ".utf8), Array("Caller-Channel-Progress-Time: ".utf8),
        Array("Caller-Channel-Progress-Media-Time: ".utf8), Array("Caller-Channel-Hangup-Time: ".utf8)
    )
    private static let fixedTail = HeaderBlock([
        ("Caller-Channel-Transfer-Time", "0"), ("Caller-Channel-Resurrect-Time", "0"),
        ("Caller-Channel-Bridged-Time", "0"), ("Caller-Channel-Last-Hold", "0"), ("Caller-Channel-Hold-Accum", "0"),
        ("Caller-Screen-Bit", "true"), ("Caller-Privacy-Hide-Name", "false"), ("Caller-Privacy-Hide-Number", "false"),
    ]).plain

    /// The raw `Caller-*` headers, in wire order.
    func headers(direction: Channel.Direction, name: String, uuid: String) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = [
            ("Caller-Direction", direction.rawValue), ("Caller-Logical-Direction", direction.rawValue),
        ]
        if let username { out.append(("Caller-Username", username)) }
        if let dialplan { out.append(("Caller-Dialplan", dialplan)) }
        if !callerIDName.isEmpty { out.append(("Caller-Caller-ID-Name", callerIDName)) }
        out.append(("Caller-Caller-ID-Number", callerIDNumber))
        if !origCallerIDName.isEmpty { out.append(("Caller-Orig-Caller-ID-Name", origCallerIDName)) }
        out.append(("Caller-Orig-Caller-ID-Number", origCallerIDNumber))
        if !calleeIDName.isEmpty { out.append(("Caller-Callee-ID-Name", calleeIDName)) }
        if !calleeIDNumber.isEmpty { out.append(("Caller-Callee-ID-Number", calleeIDNumber)) }
        if let networkAddr { out.append(("Caller-Network-Addr", networkAddr)) }
        out += [
            ("Caller-ANI", ani), ("Caller-Destination-Number", destination), ("Caller-Unique-ID", uuid),
            ("Caller-Source", source), ("Caller-Context", context), ("Caller-Channel-Name", name),
            ("Caller-Profile-Index", "1"), ("Caller-Profile-Created-Time", String(created)),
            ("Caller-Channel-Created-Time", String(created)), ("Caller-Channel-Answered-Time", String(answered)),
            ("Caller-Channel-Progress-Time", String(progress)),
            ("Caller-Channel-Progress-Media-Time", String(progressMedia)),
            ("Caller-Channel-Hangup-Time", String(hangup)), ("Caller-Channel-Transfer-Time", "0"),
            ("Caller-Channel-Resurrect-Time", "0"), ("Caller-Channel-Bridged-Time", "0"),
            ("Caller-Channel-Last-Hold", "0"), ("Caller-Channel-Hold-Accum", "0"), ("Caller-Screen-Bit", "true"),
            ("Caller-Privacy-Hide-Name", "false"), ("Caller-Privacy-Hide-Number", "false"),
        ]
        return out
    }
}
