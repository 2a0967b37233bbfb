public import ESL

/// The id of a loaded app: the value of the `switchy_app` channel variable of its calls.
public struct AppID: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
}

/// A call-control app: code that reacts to the events of the calls it owns.
///
/// Load one with ``Client/loadApp(_:id:)``; calls originated with its ``AppID`` carry
/// it in `switchy_app`, and the listener routes every event of those calls (both legs)
/// to it.
///
/// ## Implementation requirements
/// - Callbacks run on the listener's callback thread, one at a time, in event order.
///   They should return quickly and never block: while one runs, the listener's other
///   callbacks wait and its queue grows (``EventListener/callbackBacklog``).
///   Send commands from a `Task` (``Session/hangup(cause:)`` and friends are `async`).
/// - Keep mutable state behind a `Mutex` (apps are `Sendable` and shared).
/// - ``prepare(_:)`` may throw to refuse loading; nothing of the app is registered then.
/// - Override only the callbacks you need; each default does nothing.
public protocol CallApp: Sendable {
    /// What calls of this app run once answered, when the originate names no app
    /// (default `&park()`).
    var target: OriginateCommand.Target { get }
    /// Event names this app needs beyond the listener's own, subscribed on load. `DTMF`,
    /// which carries no channel variables, is also let through the filters by name.
    var extraEvents: [String] { get }
    /// False for an app that only chooses what its calls run (``target``) and has no
    /// use for their events: the listener then never calls its ``receive(_:)`` or
    /// ``callEnded(_:context:)``, and queues nothing for it on the callback thread.
    /// Default true.
    var receivesEvents: Bool { get }
    /// Called once by `loadApp`, before any callback.
    func prepare(_ context: AppContext) async throws
    /// Called once by `unloadApp`.
    func unload(_ context: AppContext)

    /// Every event of one of the app's legs; the default calls the specific callbacks.
    func receive(_ event: AppEvent)
    func channelCreate(_ event: AppEvent)
    func channelProgress(_ event: AppEvent)
    func channelAnswer(_ event: AppEvent)
    func channelPark(_ event: AppEvent)
    func channelHangup(_ event: AppEvent)
    func channelDestroy(_ event: AppEvent)
    func dtmf(_ event: AppEvent)
    /// The call has ended: every leg is destroyed.
    func callEnded(_ call: Call, context: AppContext)
}

extension CallApp {
    public var target: OriginateCommand.Target { .app("park") }
    public var extraEvents: [String] { [] }
    public var receivesEvents: Bool { true }
    public func prepare(_ context: AppContext) async throws {}
    public func unload(_ context: AppContext) {}

    public func receive(_ event: AppEvent) {
        switch event.name {
        case "CHANNEL_CREATE": channelCreate(event)
        case "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA": channelProgress(event)
        case "CHANNEL_ANSWER": channelAnswer(event)
        case "CHANNEL_PARK": channelPark(event)
        case "CHANNEL_HANGUP": channelHangup(event)
        case "CHANNEL_DESTROY": channelDestroy(event)
        case "DTMF": dtmf(event)
        default: break
        }
    }

    public func channelCreate(_ event: AppEvent) {}
    public func channelProgress(_ event: AppEvent) {}
    public func channelAnswer(_ event: AppEvent) {}
    public func channelPark(_ event: AppEvent) {}
    public func channelHangup(_ event: AppEvent) {}
    public func channelDestroy(_ event: AppEvent) {}
    public func dtmf(_ event: AppEvent) {}
    public func callEnded(_ call: Call, context: AppContext) {}
}

/// What an app callback receives.
public struct AppEvent: Sendable {
    /// `Event-Name`.
    public let name: String
    /// The event itself.
    public let event: Event
    /// The leg, after this event.
    public let session: Session
    /// The leg's call, after this event.
    public let call: Call
    /// The app's context.
    public let context: AppContext
}

/// What a loaded app can reach.
public struct AppContext: Sendable {
    /// The app's id.
    public let appID: AppID
    /// The listener tracking its calls.
    public let listener: EventListener
    let control: SessionControl

    /// The client that loaded the app (nil once it is gone).
    public var client: Client? { control.sender }
}
