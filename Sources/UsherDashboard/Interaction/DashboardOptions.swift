import UsherCore
import UsherWire

/// How a dashboard behaves, from the command line.
public struct DashboardOptions: Hashable, Sendable {
    /// Ring the bell when a request arrives.
    public var bell: Bool
    /// The refresh of rates and graphs, in seconds.
    public var interval: Double
    /// The deferral `d` proposes.
    public var defaultDeferral: String
    /// When set, `q` with pending requests asks first and says what happens to them
    /// (`usher run`, whose gate stops with the dashboard).
    public var quitWarning: String?
    /// Why Ctrl-Z does not suspend this dashboard (`usher run`: the gate would stop with it);
    /// `nil` lets it suspend.
    public var suspendRefusal: String?
    /// Watch only (`--read-only`): decision keys do nothing and are not shown.
    public var readOnly: Bool
    /// Connect again when the daemon stops or the connection breaks (`usher top`).
    public var reconnects: Bool
    /// Line drawing characters.
    public var lineDrawing: LineDrawing
    /// Open with the host listeners pane in place of the event log.
    public var showsHost: Bool
    /// The clock times of day are shown on.
    public var clockFace: ClockFace
    /// What is being replayed (`replay ×4 of usher.rec`), for the title: the inputs come from a
    /// recording, and nothing is decided.
    public var replaying: String?

    public init(
        bell: Bool = true, interval: Double = 1, defaultDeferral: String = DurationText.format(ControlProtocol.defaultDeferral), quitWarning: String? = nil,
        lineDrawing: LineDrawing = .unicode, showsHost: Bool = false, clockFace: ClockFace = .local,
        suspendRefusal: String? = nil, readOnly: Bool = false, reconnects: Bool = false
    ) {
        self.readOnly = readOnly
        self.reconnects = reconnects
        self.suspendRefusal = suspendRefusal
        self.clockFace = clockFace
        self.showsHost = showsHost
        self.bell = bell
        self.interval = interval
        self.defaultDeferral = defaultDeferral
        self.quitWarning = quitWarning
        self.lineDrawing = lineDrawing
    }
}
