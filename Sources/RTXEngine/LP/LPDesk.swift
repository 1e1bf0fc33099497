import CRTXABI
import RTXCore
import RTXPluginHost
import Synchronization

/// Turns the core's route-to-LP and cancel events into LP adapter calls, on its own thread
/// so the core thread never waits for a plugin. The LP is the routing decision's preferred
/// one when it is bound to the symbol and connected, else the first connected LP bound to
/// the symbol (priority order); with none, the order is answered at once with a rejected
/// execution report naming why (it goes through the sequencer like any report).
///
/// Limits: `capacity` orders waiting (beyond: rejected at once, "LP order queue full");
/// `rememberedOrders` orders remembered for cancels (the oldest forgotten first).
/// Thread: `send`/`cancel` from the core thread; `run` on the desk's thread.
final class LPDesk: @unchecked Sendable {
    enum Work {
        case send(RTXCore.LPRoute, preferredLP: String)
        case cancel(UInt64)
    }

    struct Placed {
        var lp: String
        var symbolID: UInt32
        var lpSymbol: String
    }

    static let rememberedOrders = 100_000
    private let host: PluginHost
    private let symbolInfo: @Sendable (SymbolIndex) -> (name: String, digits: Int)?
    private let report: @Sendable (LPExecution) -> Void
    private let work: Monitor<(items: RingBuffer<Work>, closed: Bool)>
    private let capacity: Int
    private var placed: [UInt64: Placed] = [:]
    private var placedOrder: [UInt64] = []
    let ordersSent = Atomic<UInt64>(0)
    let ordersRejected = Atomic<UInt64>(0)

    init(host: PluginHost, capacity: Int = 65_536, symbolInfo: @escaping @Sendable (SymbolIndex) -> (name: String, digits: Int)?,
         report: @escaping @Sendable (LPExecution) -> Void) {
        self.host = host
        self.capacity = capacity
        self.symbolInfo = symbolInfo
        self.report = report
        work = Monitor((RingBuffer(capacity: capacity), false))
    }

    func send(_ route: RTXCore.LPRoute, preferredLP: String) {
        let queued = work.withLock { $0.items.push(.send(route, preferredLP: preferredLP)) }
        if queued { work.broadcast() } else { reject(route.engineOrderID, "LP order queue full (\(capacity) orders waiting)") }
    }

    func cancel(engineOrderID: UInt64) {
        if work.withLock({ $0.items.push(.cancel(engineOrderID)) }) { work.broadcast() }
    }

    func close() {
        work.withLock { $0.closed = true }
        work.broadcast()
    }

    func run() {
        while true {
            let next: Work?? = work.withLock { s, waiter in
                while s.items.isEmpty && !s.closed { _ = waiter.wait(&s, untilMonotonicNs: EngineClock.monotonicNs() + 100_000_000) }
                if s.items.isEmpty && s.closed { return .some(nil) }
                return s.items.pop()
            }
            guard case .some(let item) = next else { continue }
            guard let item else { return }
            switch item {
            case .send(let route, let preferred): place(route, preferredLP: preferred)
            case .cancel(let id): cancelAtLP(id)
            }
        }
    }

    private func place(_ route: RTXCore.LPRoute, preferredLP: String) {
        guard let symbol = symbolInfo(route.symbol) else { return reject(route.engineOrderID, "unknown symbol #\(route.symbol)") }
        let bound = host.manifest.symbols.first { $0.symbol == symbol.name }?.routes.map(\.lp) ?? []
        guard !bound.isEmpty else { return reject(route.engineOrderID, "no LP is bound to \(symbol.name) in the plugin manifest") }
        let candidates = (bound.contains(preferredLP) ? [preferredLP] : []) + bound.filter { $0 != preferredLP }
        guard let (lp, adapter) = candidates.lazy.compactMap({ id in self.host.lpAdapter(id: id).map { (id, $0) } })
            .first(where: { $0.1.connectionState == .connected }) else {
            return reject(route.engineOrderID, "no LP bound to \(symbol.name) is connected (\(bound.joined(separator: ", ")))")
        }
        guard let subscription = host.subscriptions(for: lp).first(where: { $0.symbol == symbol.name }) else {
            return reject(route.engineOrderID, "\(lp) has no subscription for \(symbol.name)")
        }
        let order = LPOrder(engineOrderID: route.engineOrderID, symbolID: subscription.symbolID, lpSymbol: subscription.lpSymbol,
                            side: route.side == .buy ? RTX_SIDE_BUY : RTX_SIDE_SELL, orderType: RTX_ORDER_MARKET,
                            timeInForce: route.fillPolicy == .immediateOrCancel ? RTX_TIF_IOC : RTX_TIF_FOK,
                            priceDigits: Int32(symbol.digits), volume: route.volume)
        do {
            try adapter.sendOrder(order)
            ordersSent.add(1, ordering: .relaxed)
            remember(route.engineOrderID, Placed(lp: lp, symbolID: subscription.symbolID, lpSymbol: subscription.lpSymbol))
        } catch {
            reject(route.engineOrderID, "\(lp) refused the order: \(error)")
        }
    }

    private func cancelAtLP(_ id: UInt64) {
        guard let p = placed[id], let adapter = host.lpAdapter(id: p.lp) else { return }
        try? adapter.cancelOrder(engineOrderID: id, symbolID: p.symbolID, lpSymbol: p.lpSymbol, lpOrderID: "")
    }

    private func remember(_ id: UInt64, _ p: Placed) {
        placed[id] = p
        placedOrder.append(id)
        if placedOrder.count > Self.rememberedOrders {
            let drop = placedOrder.count - Self.rememberedOrders
            for old in placedOrder[0 ..< drop] { placed[old] = nil }
            placedOrder.removeFirst(drop)
        }
    }

    private func reject(_ id: UInt64, _ why: String) {
        ordersRejected.add(1, ordering: .relaxed)
        report(LPExecution(engineOrderID: id, execID: "rtx-reject-\(id)", kind: .rejected, text: why))
    }
}
