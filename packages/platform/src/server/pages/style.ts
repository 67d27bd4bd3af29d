/**
 * The one stylesheet of the patient pages (served as /assets/patient.css). Sizes are chapter 3's, in
 * its 750-px design width: `--dp` is one design px, so `calc(36 * var(--dp))` is table A.2's 36px at
 * any width up to a 750-px column (at 375 px wide, 18 CSS px). Colours are 3.1's.
 */
export const PATIENT_CSS = `
:root{
  --dp:calc(min(100vw, 750px) / 750);
  --primary:#3B71E8;   /* 3.1 a) 主色调医保蓝 */
  --text:#303133;      /* 3.1 b) 1) 主内容 */
  --aux:#909399;       /* 3.1 b) 2) 辅助说明信息 */
  --title:#606266;     /* 3.1 b) 3) 主标题 */
  --border:#E6E6E6;    /* 表 A.2 卡片描边 */
  --bg:#F5F6F8;
  --danger:#C0392B;
  --hair:max(1px, calc(1 * var(--dp)));
}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);font-family:-apple-system,BlinkMacSystemFont,"PingFang SC","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;font-size:calc(28 * var(--dp));line-height:1.5}
.page{max-width:750px;margin:0 auto;min-height:100vh;padding-bottom:calc(180 * var(--dp))}
.page.plain{padding-bottom:calc(40 * var(--dp))}
a{color:var(--primary)}
button,input,select{font:inherit}
[tabindex="-1"]:focus{outline:none}
:focus-visible{outline:calc(4 * var(--dp)) solid var(--primary);outline-offset:calc(4 * var(--dp))}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.amount{font-variant-numeric:tabular-nums}
/* 收款机构: the blue band with the institution's 80x80 icon and its 36px white name (表 A.2). */
.org{background:var(--primary);color:#FFFFFF;display:flex;align-items:center;gap:calc(20 * var(--dp));padding:calc(40 * var(--dp)) calc(32 * var(--dp)) calc(96 * var(--dp))}
.org-icon{width:calc(80 * var(--dp));height:calc(80 * var(--dp));border-radius:50%;background:#fff;flex:none;display:block;object-fit:cover}
.org-name{font-size:calc(36 * var(--dp));font-weight:500;color:#FFFFFF;margin:0;line-height:1.3}
.org-sub{font-size:calc(24 * var(--dp));opacity:.9;margin:0}
.card{background:#fff;border:var(--hair) solid var(--border);border-radius:calc(16 * var(--dp));margin:calc(24 * var(--dp)) calc(24 * var(--dp)) 0;padding:calc(32 * var(--dp))}
.org + .card{margin-top:calc(-64 * var(--dp))}
/* 费用总额 */
.total{display:flex;justify-content:space-between;align-items:baseline;font-size:calc(36 * var(--dp));font-weight:500;color:var(--title);margin:0 0 calc(16 * var(--dp))}
.fee-row{display:flex;justify-content:space-between;align-items:center;font-size:calc(28 * var(--dp));color:var(--aux);padding:calc(8 * var(--dp)) 0;margin:0}
.fee-row dt,.fee-row dd{margin:0}
.fee-row dt{flex:none;white-space:nowrap;margin-right:calc(24 * var(--dp))}
.fee-row dd{min-width:0;overflow-wrap:anywhere;text-align:right}
.fee-row.cash{font-size:calc(32 * var(--dp));font-weight:500;color:var(--primary)}
.fee-row.deposit{color:var(--title)}
.detail-link{display:block;margin:calc(16 * var(--dp)) auto 0;background:none;border:0;color:var(--title);font-size:calc(28 * var(--dp));padding:calc(8 * var(--dp)) calc(16 * var(--dp));cursor:pointer}
.detail-link::after{content:" ›"}
/* 选择支付方式 */
.section-title{font-size:calc(28 * var(--dp));color:var(--title);margin:0 0 calc(8 * var(--dp));font-weight:400}
dl{margin:0}
fieldset{border:0;margin:0;padding:0;min-width:0}
.channel{display:flex;align-items:center;gap:calc(20 * var(--dp));padding:calc(24 * var(--dp)) 0;font-size:calc(30 * var(--dp));color:var(--text);cursor:pointer;border-top:var(--hair) solid var(--border)}
.channel:first-of-type{border-top:0}
.channel-icon{width:calc(50 * var(--dp));height:calc(50 * var(--dp));flex:none;display:block}
.channel-name{flex:1}
.channel input{width:calc(36 * var(--dp));height:calc(36 * var(--dp));accent-color:var(--primary);margin:0}
.single .channel{border:0;padding:calc(8 * var(--dp)) 0}
/* 去支付 bar: 支付金额 44px, button text 36px (表 A.2) */
.paybar{position:fixed;left:0;right:0;bottom:0;background:#fff;border-top:var(--hair) solid var(--border)}
.paybar-in{max-width:750px;margin:0 auto;display:flex;align-items:center;justify-content:space-between;gap:calc(24 * var(--dp));padding:calc(20 * var(--dp)) calc(32 * var(--dp))}
.pay-label{font-size:calc(28 * var(--dp));color:var(--title)}
.pay-amount{font-size:calc(44 * var(--dp));font-weight:500;color:var(--primary)}
.btn{display:inline-block;text-align:center;text-decoration:none;border:0;border-radius:calc(44 * var(--dp));background:var(--primary);color:#FFFFFF;font-size:calc(36 * var(--dp));font-weight:500;padding:calc(20 * var(--dp)) calc(64 * var(--dp));cursor:pointer;min-height:44px}
.btn.block{display:block;width:100%}
.btn.ghost{background:#fff;color:var(--primary);border:var(--hair) solid var(--primary)}
.btn[disabled]{opacity:.6}
.note{color:var(--aux);font-size:calc(24 * var(--dp));margin:calc(16 * var(--dp)) calc(32 * var(--dp))}
.small{color:var(--aux);font-size:calc(24 * var(--dp))}
/* 处方明细 popup (3.5, 表 A.4): a bottom sheet, 32px corners; info cards 12px corners, 2px border. */
dialog{border:0;padding:0;color:var(--text)}
dialog::backdrop{background:rgba(0,0,0,.5)}
.sheet{width:100%;max-width:750px;max-height:85vh;margin:auto auto 0;border-radius:calc(32 * var(--dp)) calc(32 * var(--dp)) 0 0;background:var(--bg);overflow:auto}
.sheet-head{position:sticky;top:0;background:#fff;display:flex;align-items:center;justify-content:space-between;padding:calc(32 * var(--dp))}
.sheet-title{font-size:calc(40 * var(--dp));font-weight:500;color:var(--text);margin:0}
.sheet-close{background:none;border:0;font-size:calc(40 * var(--dp));color:var(--aux);cursor:pointer;min-width:44px;min-height:44px}
.sheet-total{display:flex;justify-content:space-between;font-size:calc(36 * var(--dp));font-weight:500;color:var(--title);padding:0 calc(32 * var(--dp)) calc(24 * var(--dp));background:#fff;margin:0}
.info{background:#fff;border:max(1px, calc(2 * var(--dp))) solid var(--border);border-radius:calc(12 * var(--dp));margin:calc(24 * var(--dp));padding:calc(24 * var(--dp))}
.info h3{font-size:calc(32 * var(--dp));font-weight:500;color:var(--text);margin:0 0 calc(12 * var(--dp))}
.info-row{display:flex;justify-content:space-between;gap:calc(24 * var(--dp));font-size:calc(28 * var(--dp));color:var(--title);margin:0;padding:calc(4 * var(--dp)) 0}
.info-row dt,.info-row dd{margin:0}
.info-row dd{text-align:right}
.line{display:grid;grid-template-columns:1fr auto;gap:0 calc(16 * var(--dp));padding:calc(12 * var(--dp)) 0;border-top:var(--hair) solid var(--border);font-size:calc(28 * var(--dp));color:var(--title)}
.line:first-of-type{border-top:0}
.line-spec{color:var(--aux);font-size:calc(28 * var(--dp))}
.money{font-size:calc(28 * var(--dp));font-weight:500;color:var(--primary)}
/* Loading (3.8): page level (text at most 560px wide, wrapping) and popup level (≤ 8 characters). */
.loading-page{display:flex;flex-direction:column;align-items:center;justify-content:center;min-height:70vh;gap:calc(24 * var(--dp))}
.loading-text{max-width:calc(560 * var(--dp));text-align:center;color:var(--aux);font-size:calc(28 * var(--dp));margin:0}
.spinner{width:calc(72 * var(--dp));height:calc(72 * var(--dp));border-radius:50%;border:calc(6 * var(--dp)) solid rgba(59,113,232,.2);border-top-color:var(--primary);animation:spin 0.9s linear infinite}
.toast{background:rgba(0,0,0,.75);color:#fff;border-radius:calc(16 * var(--dp));padding:calc(40 * var(--dp)) calc(48 * var(--dp));display:flex;flex-direction:column;align-items:center;gap:calc(20 * var(--dp));font-size:calc(28 * var(--dp));min-width:calc(240 * var(--dp))}
.toast::backdrop{background:transparent}
.toast .spinner{border-color:rgba(255,255,255,.3);border-top-color:#fff}
@keyframes spin{to{transform:rotate(360deg)}}
@media (prefers-reduced-motion:reduce){.spinner{animation-duration:3s}}
/* Dialogs (3.9): fixed width, title, text, one or two buttons. */
.alert{width:calc(600 * var(--dp));min-width:280px;max-width:calc(100vw - 32px);border-radius:calc(24 * var(--dp));background:#fff;text-align:center;overflow:hidden}
.alert.static{display:block;position:static;margin:calc(120 * var(--dp)) auto 0;border:var(--hair) solid var(--border)}
.alert-body{padding:calc(48 * var(--dp)) calc(40 * var(--dp)) calc(32 * var(--dp))}
.alert-title{font-size:calc(34 * var(--dp));font-weight:500;color:var(--text);margin:0 0 calc(16 * var(--dp))}
.alert-text{font-size:calc(28 * var(--dp));color:var(--title);margin:0}
.alert-code{font-size:calc(22 * var(--dp));color:var(--aux);margin:calc(16 * var(--dp)) 0 0}
.alert-actions{display:flex;border-top:var(--hair) solid var(--border)}
.alert-actions > *{flex:1;display:block;background:#fff;border:0;padding:calc(28 * var(--dp)) 0;font-size:calc(32 * var(--dp));color:var(--title);text-decoration:none;cursor:pointer;min-height:44px}
.alert-actions > * + *{border-left:var(--hair) solid var(--border)}
.alert-actions .primary{color:var(--primary);font-weight:500}
/* Result and state pages */
.state{text-align:center;padding:calc(48 * var(--dp)) calc(32 * var(--dp)) calc(16 * var(--dp))}
.state-icon{width:calc(112 * var(--dp));height:calc(112 * var(--dp));display:block;margin:0 auto calc(16 * var(--dp))}
.state-title{font-size:calc(36 * var(--dp));font-weight:500;margin:0;color:var(--text)}
.state-amount{font-size:calc(56 * var(--dp));font-weight:500;color:var(--primary);margin:calc(8 * var(--dp)) 0 0}
.actions{margin:calc(40 * var(--dp)) calc(32 * var(--dp)) 0}
/* Authorisation page: the 医保电子凭证 card */
.voucher{background:linear-gradient(160deg,#3B71E8,#2A55C0);color:#fff;border-radius:calc(24 * var(--dp));margin:calc(32 * var(--dp)) calc(24 * var(--dp)) 0;padding:calc(32 * var(--dp));text-align:center}
.voucher h1{font-size:calc(36 * var(--dp));font-weight:500;margin:0}
.voucher p{margin:calc(8 * var(--dp)) 0 0;font-size:calc(26 * var(--dp))}
.qr{background:#fff;border-radius:calc(16 * var(--dp));width:calc(420 * var(--dp));min-width:200px;margin:calc(24 * var(--dp)) auto 0;padding:calc(20 * var(--dp))}
.qr svg{display:block;width:100%;height:auto}
.list{list-style:none;margin:0;padding:0}
.list li{border-top:var(--hair) solid var(--border);padding:calc(20 * var(--dp)) 0}
.list li:first-child{border-top:0}
.list a{display:flex;justify-content:space-between;text-decoration:none;color:var(--text);min-height:44px;align-items:center}
.topbar{background:var(--primary);color:#fff;padding:calc(28 * var(--dp)) calc(32 * var(--dp))}
.topbar h1{font-size:calc(36 * var(--dp));font-weight:500;margin:0}
.topbar p{margin:calc(6 * var(--dp)) 0 0;font-size:calc(24 * var(--dp));opacity:.9}
.badge{display:inline-block;background:#FFF4E5;color:#8A4B00;border-radius:calc(8 * var(--dp));padding:0 calc(12 * var(--dp));font-size:calc(22 * var(--dp))}
[hidden]{display:none !important}
/* 3.1's #909399 on white is 3:1; a patient who asks for more contrast gets a darker grey (WCAG 1.4.3). */
@media (prefers-contrast: more){:root{--aux:#5E6066;--title:#45474C}}
`;
