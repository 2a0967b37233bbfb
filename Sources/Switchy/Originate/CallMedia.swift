/// What the originating leg of a call plays once answered, so that a far end running
/// `echo` sends audio back and the leg's RTP statistics say whether media flowed.
///
/// The leg runs `&playback(${switchy_media})` with the stream in the channel variable
/// `switchy_media`. The stream cannot be written in the `&app(args)` itself: originate
/// ends the argument at its first `)` (capture 25: `&playback(tone_stream://%(1000,0,440);loops=-1)`
/// played `tone_stream://%(1000,0,440` once and the call ended after 2.26 s), while
/// FreeSWITCH expands `${…}` in an application's argument when it runs it
/// (`switch_core_session_execute_application_get_flags`), after the line was parsed.
/// (`execute_on_answer` with an asynchronous `playback::…` does not do: on the
/// originating leg it runs while the originate is still under way and is broken off
/// when the leg moves on to its application.)
public enum CallMedia: String, Sendable, Equatable, CaseIterable {
    /// Nothing: the leg parks (`&park()`) and sends no RTP; none is expected back.
    case none
    /// A 440 Hz tone, looped until the call ends.
    case tone
    /// Silence, until the call ends: RTP flows (PCMU frames of silence) without audio.
    case silence

    /// The channel variable holding the stream the leg plays.
    public static let variable = "switchy_media"

    /// What the leg plays (`tone_stream://…` or `silence_stream://-1`); nil for ``none``.
    public var stream: String? {
        switch self {
        case .none: nil
        case .tone: "tone_stream://%(1000,0,440);loops=-1"
        case .silence: "silence_stream://-1"
        }
    }

    /// The originate's target for the leg: `&playback(${switchy_media})`; nil for ``none``.
    public var target: OriginateCommand.Target? {
        stream == nil ? nil : .app("playback", args: "${\(Self.variable)}")
    }

    /// True when the call is expected to receive RTP (a far end that echoes or plays).
    public var expectsMedia: Bool { self != .none }
}
