// The MCP Apps bridge: JSON-RPC over postMessage with the host.
const bridge = (() => {
  let nextId = 1;
  const pending = new Map();
  const handlers = {};
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent) return;
    const msg = event.data;
    if (!msg || msg.jsonrpc !== "2.0") return;
    if (msg.id !== undefined && pending.has(msg.id) && !msg.method) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(msg.error.message)); else resolve(msg.result);
    } else if (msg.method && handlers[msg.method]) {
      handlers[msg.method](msg.params || {});
    }
  });
  const post = (msg) => window.parent.postMessage(Object.assign({ jsonrpc: "2.0" }, msg), "*");
  return {
    on(method, fn) { handlers[method] = fn; },
    request(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => { pending.set(id, { resolve, reject }); post({ id, method, params }); });
    },
    notify(method, params) { post({ method, params }); },
    async connect(name) {
      const result = await this.request("ui/initialize", {
        appInfo: { name, version: "1.0.0" }, appCapabilities: {}, protocolVersion: "2026-01-26" });
      this.notify("ui/notifications/initialized", {});
      return result;
    },
    async callTool(name, args) {
      const result = await this.request("tools/call", { name, arguments: args });
      if (result && result.isError) {
        const text = (result.content || []).map((c) => c.text || "").join(" ");
        throw new Error(text || name + " failed");
      }
      return result && result.structuredContent;
    },
  };
})();
