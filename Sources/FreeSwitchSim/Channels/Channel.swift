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

    /// Encoded lines that never change: `Channel-Name` … `Presence-Call-Direction`,
    /// and `Channel-Call-UUID`.
    private lazy var identityLines = (
        HeaderBlock.line("Channel-Name", name) + HeaderBlock.line("Unique-ID", uuid)
            + HeaderBlock.line("Call-Direction", direction.rawValue)
            + HeaderBlock.line("Presence-Call-Direction", direction.rawValue),
        HeaderBlock.line("Channel-Call-UUID", uuid)
    )

    /// Channel data (`switch_channel_event_set_basic_data`).
    func channelData() -> HeaderBlock {
        if let dataBlock { return dataBlock }
        var headers: [(name: String, value: String)] = [
            ("Channel-State", state.name), ("Channel-Call-State", callState.name),
            ("Channel-State-Number", String(stateNumber)), ("Channel-Name", name), ("Unique-ID", uuid),
            ("Call-Direction", direction.rawValue), ("Presence-Call-Direction", direction.rawValue),
            ("Channel-HIT-Dialplan", hitDialplan ? "true" : "false"), ("Channel-Call-UUID", uuid),
            ("Answer-State", answerState),
        ]
        var plain: [UInt8] = []
        plain.reserveCapacity(640)
        plain += Array("Channel-State: \(state.name)\nChannel-Call-State: \(callState.name)\n".utf8)
        plain += Array("Channel-State-Number: \(stateNumber)\n".utf8)
        plain += identityLines.0
        plain += Array("Channel-HIT-Dialplan: \(hitDialplan ? "true" : "false")\n".utf8)
        plain += identityLines.1
        plain += Array("Answer-State: \(answerState)\n".utf8)
        if let hangupCause {
            headers.append(("Hangup-Cause", hangupCause.name))
            plain += Array("Hangup-Cause: \(hangupCause.name)\n".utf8)
        }
        if hasCodec {
            headers += Self.codecHeaders
            plain += Self.codecLines
        }
        let block = HeaderBlock(headers: headers, plain: plain)
        dataBlock = block
        return block
    }

    private static let codecHeaders: [(name: String, value: String)] = [
        ("Channel-Read-Codec-Name", "PCMU"), ("Channel-Read-Codec-Rate", "8000"),
        ("Channel-Read-Codec-Bit-Rate", "64000"), ("Channel-Write-Codec-Name", "PCMU"),
        ("Channel-Write-Codec-Rate", "8000"), ("Channel-Write-Codec-Bit-Rate", "64000"),
    ]
    private static let codecLines = HeaderBlock(codecHeaders).plain

    /// The caller profile (`switch_caller_profile_event_set_data`), or an empty block.
    func callerProfile() -> HeaderBlock {
        if let profileBlock { return profileBlock }
        let block = hasProfile ? HeaderBlock(profileFields.headers(direction: direction, name: name, uuid: uuid)) : .empty
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
