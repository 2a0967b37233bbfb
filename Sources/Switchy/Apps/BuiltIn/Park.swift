/// The simplest app: the answered leg parks (`&park()`) until it is hung up.
public struct Park: CallApp {
    public init() {}
    public var target: OriginateCommand.Target { .app("park") }
    public var receivesEvents: Bool { false }
}

/// The answered leg echoes what it hears (`&echo()`): media flows both ways.
public struct Echo: CallApp {
    public init() {}
    public var target: OriginateCommand.Target { .app("echo") }
    public var receivesEvents: Bool { false }
}
