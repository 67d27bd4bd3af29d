/** Tiny HTML helpers for the sandbox pages; every interpolated value is escaped. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The page frame, in the colours of mobile-payment.txt 3.1 (医保蓝 #3B71E8, text #303133/#606266/#909399). */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title>
<style>
body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f6f8;color:#303133}
header{background:#3B71E8;color:#fff;padding:20px 16px;font-size:18px;font-weight:600}
.card{background:#fff;border:1px solid #E6E6E6;border-radius:16px;margin:16px;padding:16px}
.row{display:flex;justify-content:space-between;padding:6px 0;color:#606266}
.row b{color:#303133}.cash{color:#3B71E8;font-size:22px;font-weight:600}
.muted{color:#909399;font-size:13px}
button{width:calc(100% - 32px);margin:16px;background:#3B71E8;color:#fff;border:0;border-radius:24px;padding:14px;font-size:17px}
label{display:block;padding:8px 0}
</style></head><body>${body}</body></html>`;
}
