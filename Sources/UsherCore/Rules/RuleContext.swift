/// Everything a rule may look at for one request: the caller's address and data, where it
/// arrived, the time, and how many connections its source holds.
public struct RuleContext: Sendable {
    /// The request's ID, so that a rate counts each request once however often it is evaluated.
    public var request: RequestID
    /// The gated listener it arrived on, and that listener's address.
    public var listener: ListenerID
    public var listenerEndpoint: Endpoint
    /// The address the client connected to.
    public var local: Endpoint
    /// The caller's address: the peer, or the original source a trusted PROXY header gave.
    public var source: String
    /// The caller data so far.
    public var data: CallerData
    /// `true` when no more caller data will come: the client finished sending, or the capture is
    /// full, or the inspect delay is over.
    public var dataIsFinal: Bool
    /// The host's local time.
    public var localTime: LocalTime
    /// Client connections the source holds now, this one included.
    public var connectionsFromSource: Int
    public var now: Moment

    public init(
        request: RequestID, listener: ListenerID, listenerEndpoint: Endpoint, local: Endpoint, source: String,
        data: CallerData, dataIsFinal: Bool, localTime: LocalTime, connectionsFromSource: Int, now: Moment
    ) {
        self.request = request
        self.listener = listener
        self.listenerEndpoint = listenerEndpoint
        self.local = local
        self.source = source
        self.data = data
        self.dataIsFinal = dataIsFinal
        self.localTime = localTime
        self.connectionsFromSource = connectionsFromSource
        self.now = now
    }
}
