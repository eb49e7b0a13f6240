/** The widget's own styles, inside its shadow root: the shop's CSS cannot reach in, nor ours out. */
export const STYLES = `
:host{all:initial}
*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;gap:8px;align-items:center;
  padding:12px 18px;border:0;border-radius:999px;background:#1d4ed8;color:#fff;font-size:15px;font-weight:600;
  cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.25)}
.launcher:hover{background:#1e40af}
button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.panel{position:fixed;right:20px;bottom:84px;z-index:2147483000;width:min(380px,calc(100vw - 40px));
  height:min(560px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;color:#111827;
  border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.3);overflow:hidden;font-size:14px}
.panel[hidden]{display:none}
header{display:flex;align-items:center;justify-content:space-between;padding:12px 16px;background:#1d4ed8;color:#fff}
h2{margin:0;font-size:16px;flex:1}
.end{border:1px solid rgba(255,255,255,.7);background:transparent;color:#fff;border-radius:999px;padding:3px 10px;
  font-size:12px;cursor:pointer;margin-right:4px}
.end:hover{background:rgba(255,255,255,.15)}
.close{border:0;background:transparent;color:#fff;font-size:22px;line-height:1;cursor:pointer;padding:2px 8px}
.status{margin:0;padding:6px 16px;background:#fef3c7;color:#78350f;font-size:13px}
.status:empty{display:none}
.log{flex:1;overflow-y:auto;padding:12px 14px}
.log ol{margin:0;padding:0;list-style:none;display:flex;flex-direction:column;gap:8px}
.msg{max-width:85%;padding:9px 12px;border-radius:12px;white-space:pre-wrap;line-height:1.4;overflow-wrap:anywhere}
.user{align-self:flex-end;background:#1d4ed8;color:#fff;border-bottom-right-radius:4px}
.agent{align-self:flex-start;background:#f3f4f6;color:#111827;border-bottom-left-radius:4px}
.system{align-self:center;background:transparent;color:#4b5563;font-size:13px;text-align:center}
.msg a{color:#1e3a8a;font-weight:600}
.links{margin:2px 0 0;padding:0 0 0 16px}
.more{display:block;margin-top:6px;font-size:13px;color:#4b5563}
.empty{margin:8px 4px;color:#4b5563;font-size:13px;text-align:center}
.empty[hidden]{display:none}
.typing{padding:0 16px 8px;color:#4b5563;font-size:13px}
.typing[hidden],.note[hidden],.rate[hidden]{display:none}
.note{margin:0 14px 8px;padding:8px 12px;border-radius:8px;background:#ecfdf5;color:#065f46;font-size:13px}
.quick{display:flex;flex-wrap:wrap;gap:6px;padding:0 14px 8px}
.quick:empty{display:none}
.quick button,.rate button{border:1px solid #1d4ed8;background:#fff;color:#1d4ed8;border-radius:999px;padding:6px 12px;
  font-size:13px;cursor:pointer}
.quick button:hover,.rate button:hover{background:#eff6ff}
.rate{display:flex;align-items:center;gap:8px;padding:0 14px 8px;color:#374151;font-size:13px}
.csat{flex-wrap:wrap;gap:6px}.csat span{flex-basis:100%}.csat button{min-width:36px;padding:6px 10px}
form{display:flex;gap:8px;padding:10px 12px;border-top:1px solid #e5e7eb}
input{flex:1;min-width:0;padding:9px 11px;border:1px solid #6b7280;border-radius:8px;font-size:14px;color:#111827}
form button{border:0;border-radius:8px;background:#1d4ed8;color:#fff;padding:0 14px;font-weight:600;cursor:pointer}
form button:disabled{background:#6b7280;cursor:default}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;
