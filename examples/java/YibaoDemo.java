/*
 * A HIS in Java that pays one outpatient bill against yibao's sandbox without yibao's SDK:
 * 6101 -> 6201 -> (patient authorises) -> 6202 -> 6302 callback -> 6301 -> 6203.
 *
 * Only Debian's jars: BouncyCastle (libbcprov-java) for SM2/SM3/SM4 and Jackson (libjackson2-databind-java)
 * for JSON. See docs/integrators.md for why each parser setting matters.
 *
 *   javac -cp /usr/share/java/bcprov.jar:/usr/share/java/jackson-databind.jar:/usr/share/java/jackson-core.jar:/usr/share/java/jackson-annotations.jar -d out YibaoDemo.java
 *   java  -cp out:<the same jars> YibaoDemo .yibao/sandbox.json
 *
 * The sandbox file is what `npm start` writes: baseUrl, institution {appId, appSecret, privateKey,
 * orgCodg}, platform {publicKey}, persons[]. Keys are hex (private d: 64 hex; public 04||x||y: 130 hex).
 */

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.paddings.PKCS7Padding;
import org.bouncycastle.crypto.paddings.PaddedBufferedBlockCipher;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.asn1.gm.GMNamedCurves;
import org.bouncycastle.util.encoders.Hex;

public final class YibaoDemo {
  // mobile-payment.txt 2.2.3.1: SM3withSM2 with the default user id.
  static final byte[] USER_ID = "1234567812345678".getBytes(StandardCharsets.US_ASCII);
  static final X9ECParameters CURVE = GMNamedCurves.getByName("sm2p256v1");
  static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());

  /**
   * Jackson that keeps every number's digits: 96.00 stays 96.00 (BigDecimal with its scale, never a
   * double; exact BigDecimals so readTree does not strip trailing zeros). The signature covers the
   * literal text, so a parser that rewrites 96.00 as 96.0 or 96 cannot verify it.
   */
  static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  static final HttpClient HTTP = HttpClient.newHttpClient();

  final String baseUrl;
  final String appId;
  final String appSecret;
  final String orgCodg;
  final ECPrivateKeyParameters privateKey;
  final ECPublicKeyParameters platformPublicKey;
  final byte[] sm4Key;

  YibaoDemo(String baseUrl, String appId, String appSecret, String orgCodg, String privateKeyHex, String platformPublicKeyHex) throws Exception {
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.appId = appId;
    this.appSecret = appSecret;
    this.orgCodg = orgCodg;
    this.privateKey = new ECPrivateKeyParameters(new java.math.BigInteger(privateKeyHex, 16), DOMAIN);
    this.platformPublicKey = new ECPublicKeyParameters(CURVE.getCurve().decodePoint(Hex.decode(platformPublicKeyHex)), DOMAIN);
    this.sm4Key = deriveSm4Key(appId, appSecret);
  }

  // ---- crypto (mobile-payment.txt 2.2.3.1 / 2.2.3.2) ----

  static byte[] sm4(boolean encrypt, byte[] key, byte[] input) throws Exception {
    PaddedBufferedBlockCipher c = new PaddedBufferedBlockCipher(new SM4Engine(), new PKCS7Padding()); // a bare block cipher is ECB
    c.init(encrypt, new KeyParameter(key));
    byte[] out = new byte[c.getOutputSize(input.length)];
    int n = c.processBytes(input, 0, input.length, out, 0);
    n += c.doFinal(out, n);
    byte[] result = new byte[n];
    System.arraycopy(out, 0, result, 0, n);
    return result;
  }

  /** SM4-ECB(key = first 16 bytes of appId, data = appSecret), uppercase hex, first 16 characters as the key's bytes. */
  static byte[] deriveSm4Key(String appId, String appSecret) throws Exception {
    byte[] k = new byte[16];
    System.arraycopy(appId.getBytes(StandardCharsets.UTF_8), 0, k, 0, 16);
    String hex = Hex.toHexString(sm4(true, k, appSecret.getBytes(StandardCharsets.UTF_8))).toUpperCase();
    return hex.substring(0, 16).getBytes(StandardCharsets.US_ASCII);
  }

  String sign(String signString) throws Exception {
    SM2Signer s = new SM2Signer(PlainDSAEncoding.INSTANCE, new SM3Digest());
    CipherParameters p = new ParametersWithID(new ParametersWithRandom(privateKey, new java.security.SecureRandom()), USER_ID);
    s.init(true, p);
    byte[] m = signString.getBytes(StandardCharsets.UTF_8);
    s.update(m, 0, m.length);
    return Base64.getEncoder().encodeToString(s.generateSignature()); // raw r||s, 64 bytes
  }

  boolean verify(String signString, String signatureBase64) {
    SM2Signer s = new SM2Signer(PlainDSAEncoding.INSTANCE, new SM3Digest());
    s.init(false, new ParametersWithID(platformPublicKey, USER_ID));
    byte[] m = signString.getBytes(StandardCharsets.UTF_8);
    s.update(m, 0, m.length);
    return s.verifySignature(Base64.getDecoder().decode(signatureBase64));
  }

  // ---- the sign string (2.2.3.1) ----

  static boolean isEmpty(JsonNode v) {
    return v == null || v.isNull() || v.isMissingNode() || (v.isTextual() && v.textValue().isEmpty()) || (v.isArray() && v.size() == 0);
  }

  /** Empty values dropped recursively, keys sorted (String order = the spec's ASCII order); array positions kept. */
  static JsonNode clean(JsonNode v) {
    if (v.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!isEmpty(e.getValue())) sorted.put(e.getKey(), clean(e.getValue()));
      }
      ObjectNode o = JSON.createObjectNode();
      sorted.forEach(o::set);
      return o;
    }
    if (v.isArray()) {
      ArrayNode a = JSON.createArrayNode();
      for (JsonNode item : v) a.add(item.isContainerNode() ? clean(item) : item);
      return a;
    }
    return v;
  }

  /** Compact JSON with numbers as their literal digits (BigDecimal.toPlainString keeps 96.00). */
  static String canonicalJson(JsonNode v) throws Exception {
    if (v.isNumber()) return v.isBigDecimal() ? v.decimalValue().toPlainString() : v.asText();
    if (v.isObject() || v.isArray()) {
      StringBuilder b = new StringBuilder(v.isObject() ? "{" : "[");
      boolean first = true;
      if (v.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!first) b.append(',');
          first = false;
          b.append(JSON.writeValueAsString(e.getKey())).append(':').append(canonicalJson(e.getValue()));
        }
      } else {
        for (JsonNode item : v) {
          if (!first) b.append(',');
          first = false;
          b.append(canonicalJson(item));
        }
      }
      return b.append(v.isObject() ? "}" : "]").toString();
    }
    return JSON.writeValueAsString(v); // strings JSON-escaped (no HTML escaping), booleans, null
  }

  /** Top level: drop signData/encData/extra and empties, sort, raw values, nested as JSON; &key=appSecret. */
  String signString(ObjectNode message) throws Exception {
    TreeMap<String, JsonNode> sorted = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = message.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      if (k.equals("signData") || k.equals("encData") || k.equals("extra") || isEmpty(e.getValue())) continue;
      sorted.put(k, e.getValue());
    }
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
      JsonNode v = e.getValue();
      String text = v.isTextual() ? v.textValue() : v.isContainerNode() ? canonicalJson(clean(v)) : canonicalJson(v);
      b.append(e.getKey()).append('=').append(text).append('&');
    }
    return b.append("key=").append(appSecret).toString();
  }

  // ---- the envelope ----

  static String beijingNow(String pattern) {
    return ZonedDateTime.now(ZoneId.of("Asia/Shanghai")).format(DateTimeFormatter.ofPattern(pattern));
  }

  String seal(ObjectNode data) throws Exception {
    ObjectNode m = JSON.createObjectNode();
    m.put("appId", appId);
    m.put("version", "2.0.1");
    m.put("timestamp", beijingNow("yyyyMMddHHmmss"));
    m.put("encType", "SM4");
    m.put("signType", "SM2");
    m.set("data", data);
    String signData = sign(signString(m)); // over the plaintext data, then encrypt (2.2.3.2)
    m.remove("data");
    m.put("encData", Hex.toHexString(sm4(true, sm4Key, JSON.writeValueAsString(data).getBytes(StandardCharsets.UTF_8))).toUpperCase());
    m.put("signData", signData);
    return JSON.writeValueAsString(m);
  }

  /** Decrypt first, then verify over the decrypted data; fail closed. Returns the message with its plaintext data. */
  ObjectNode open(String raw) throws Exception {
    ObjectNode m = (ObjectNode) JSON.readTree(raw);
    JsonNode enc = m.get("encData");
    if (enc != null && enc.isTextual() && !enc.textValue().isEmpty()) {
      String text = new String(sm4(false, sm4Key, Hex.decode(enc.textValue())), StandardCharsets.UTF_8);
      m.set("data", JSON.readTree(text));
    }
    JsonNode sig = m.get("signData");
    if (sig == null || !sig.isTextual() || !verify(signString(m), sig.textValue())) {
      throw new IllegalStateException("签名验证失败 / signature does not verify: " + raw);
    }
    return m;
  }

  JsonNode call(String path, ObjectNode data) throws Exception {
    HttpResponse<String> res = HTTP.send(
        HttpRequest.newBuilder(URI.create(baseUrl + "/org/local/api/hos/" + path))
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(seal(data), StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    ObjectNode reply = open(res.body());
    if (!"0".equals(reply.path("code").asText())) {
      throw new IllegalStateException(path + " refused: " + reply.path("code").asText() + " " + reply.path("message").asText());
    }
    return reply.get("data");
  }

  static JsonNode sandbox(String baseUrl, String method, String path, String body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json");
    r = body == null ? r.GET() : r.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    HttpResponse<String> res = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (res.statusCode() != 200) throw new IllegalStateException(path + " -> HTTP " + res.statusCode() + " " + res.body());
    return JSON.readTree(res.body());
  }

  static BigDecimal money(JsonNode v) {
    return v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText());
  }

  static void step(String txn, String what) {
    System.out.println("[" + txn + "] " + what);
  }

  // ---- one payment ----

  void run(JsonNode person) throws Exception {
    // The HIS's 6302 endpoint: verify, decrypt, acknowledge with the spec's example answer (表 277).
    Map<String, JsonNode> callbacks = new ConcurrentHashMap<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/his/notify", ex -> {
      String answer;
      try {
        ObjectNode m = open(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        callbacks.put(m.path("data").path("payOrdId").asText(), m.get("data"));
        answer = "{\"data\":{\"success\":true,\"message\":\"院内处理回调成功\"},\"code\":\"0\",\"msg\":\"接口调用成功\"}";
      } catch (Exception e) {
        answer = "{\"data\":{\"success\":false,\"message\":\"验签失败\"},\"code\":\"0\",\"msg\":\"接口调用成功\"}";
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      ex.sendResponseHeaders(200, bytes.length);
      ex.getResponseBody().write(bytes);
      ex.close();
    });
    server.start();
    String notifyUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/his/notify";
    sandbox(baseUrl, "POST", "/sandbox/apps/" + appId, "{\"notifyUrl\":\"" + notifyUrl + "\"}");
    try {
      ObjectNode d = JSON.createObjectNode();
      d.put("orgId", orgCodg).put("businessType", "01101").put("operatorId", "JAVA01").put("operatorName", "收款员甲")
          .put("officeId", "NK01").put("officeName", "内科").put("ecQrCode", person.path("qrCode").asText());
      JsonNode id = call("decode_ec_qrcode", d);
      step("6101", "ecToken ok, insuOrg " + id.path("insuOrg").asText());

      String chrgBchno = "CB" + System.currentTimeMillis();
      String now = beijingNow("yyyy-MM-dd HH:mm:ss");
      String psnNo = person.path("psnNo").asText();
      String[][] lines = {{"XJ01CRA086A001010100709", "阿莫西林胶囊", "2", "35.50"}, {"250101015000000", "血细胞分析", "1", "25.00"}};
      ArrayNode details = JSON.createArrayNode();
      BigDecimal total = BigDecimal.ZERO.setScale(2);
      for (int i = 0; i < lines.length; i++) {
        BigDecimal fee = new BigDecimal(lines[i][2]).multiply(new BigDecimal(lines[i][3])).setScale(2, java.math.RoundingMode.HALF_UP);
        total = total.add(fee);
        ObjectNode l = details.addObject();
        l.put("feedetlSn", String.format("FD%04d", i + 1)).put("psnNo", psnNo).put("chrgBchno", chrgBchno).put("rxCircFlag", "0")
            .put("feeOcurTime", now).put("medListCodg", lines[i][0]).put("medinsListCodg", "H-" + lines[i][0])
            .put("detItemFeeSumamt", fee).put("cnt", new BigDecimal(lines[i][2])).put("pric", new BigDecimal(lines[i][3]))
            .put("bilgDeptCodg", "NK01").put("bilgDeptName", "内科门诊").put("bilgDrCodg", "D0001").put("bilgDrName", "王医生")
            .put("hospApprFlag", "1").put("medType", "11").put("medListName", lines[i][1]).put("medListSpc", "1盒");
      }
      ObjectNode up = JSON.createObjectNode();
      up.put("orgCodg", orgCodg).put("psnNo", psnNo).put("insutype", person.path("insutype").asText())
          .put("medOrgOrd", "MO" + UUID.randomUUID().toString().replace("-", "").substring(0, 24)).put("begntime", now)
          .put("idNo", id.path("idNo").asText()).put("userName", id.path("userName").asText()).put("idType", id.path("idType").asText())
          .put("ecToken", id.path("ecToken").asText()).put("iptOtpNo", "OP" + System.currentTimeMillis()).put("atddrNo", "D0001")
          .put("drName", "王医生").put("deptCode", "NK01").put("deptName", "内科门诊").put("caty", "A03").put("medType", "11")
          .put("feeType", "01").put("medfeeSumamt", total).put("acctUsedFlag", "1").put("diseCodg", "J06.900")
          .put("diseName", "急性上呼吸道感染").put("psnSetlway", "01").put("chrgBchno", chrgBchno).put("pubHospRfomFlag", "0");
      up.putArray("diseinfoList").addObject().put("diagType", "1").put("diagSrtNo", "1").put("diagCode", "J06.900")
          .put("diagName", "急性上呼吸道感染").put("diagDept", "内科门诊").put("diseDorNo", "D0001").put("diseDorName", "王医生")
          .put("diagTime", now).put("valiFlag", "1");
      up.set("feedetailList", details);
      JsonNode uploaded = call("uldFeeInfo", up);
      String payOrdId = uploaded.path("payOrdId").asText();
      step("6201", "payOrdId " + payOrdId + ", medfeeSumamt " + total.toPlainString());

      JsonNode auth = sandbox(baseUrl, "POST", "/sandbox/auth", "{\"psnNo\":\"" + psnNo + "\"}");
      ObjectNode pay = JSON.createObjectNode();
      pay.put("payAuthNo", auth.path("payAuthNo").asText()).put("payOrdId", payOrdId).put("payToken", uploaded.path("payToken").asText())
          .put("orgCodg", orgCodg).put("orgBizSer", "BS" + UUID.randomUUID().toString().replace("-", "").substring(0, 24))
          .put("chrgBchno", chrgBchno).put("feeType", "01").put("mdtrtId", uploaded.path("extData").path("mdtrtId").asText());
      JsonNode paid = call("pay_order", pay);
      BigDecimal fee = money(paid.get("feeSumamt"));
      BigDecimal parts = money(paid.get("fundPay")).add(money(paid.get("psnAcctPay"))).add(money(paid.get("ownPayAmt"))).add(money(paid.get("othFeeAmt")));
      if (fee.compareTo(parts) != 0) throw new IllegalStateException("feeSumamt " + fee + " != " + parts);
      step("6202", "ordStas " + paid.path("ordStas").asText() + ", feeSumamt " + fee.toPlainString() + " = fund " + money(paid.get("fundPay")).toPlainString()
          + " + account " + money(paid.get("psnAcctPay")).toPlainString() + " + cash " + money(paid.get("ownPayAmt")).toPlainString());

      long until = System.currentTimeMillis() + 30_000;
      while (!callbacks.containsKey(payOrdId)) {
        if (System.currentTimeMillis() > until) throw new IllegalStateException("no 6302 callback within 30 s");
        Thread.sleep(100);
      }
      step("6302", "callback verified and decrypted, setlType " + callbacks.get(payOrdId).path("setlType").asText());

      ObjectNode q = JSON.createObjectNode();
      q.put("payOrdId", payOrdId).put("orgCodg", orgCodg).put("payToken", uploaded.path("payToken").asText())
          .put("idNo", id.path("idNo").asText()).put("userName", id.path("userName").asText()).put("idType", id.path("idType").asText());
      JsonNode queried = call("query_order_info", q);
      step("6301", "ordStas " + queried.path("ordStas").asText());

      ObjectNode refund = JSON.createObjectNode();
      refund.put("payOrdId", payOrdId).put("appRefdSn", "RS" + UUID.randomUUID().toString().replace("-", "").substring(0, 24))
          .put("appRefdTime", beijingNow("yyyyMMddHHmmss")).put("totlRefdAmt", fee).put("cashRefdAmt", money(paid.get("ownPayAmt")))
          .put("fundRefdAmt", money(paid.get("fundPay"))).put("psnAcctRefdAmt", money(paid.get("psnAcctPay")))
          .put("ecToken", id.path("ecToken").asText()).put("refdType", "ALL");
      JsonNode refunded = call("refund_Order", refund);
      if (!"SUCC".equals(refunded.path("refStatus").asText())) throw new IllegalStateException("refStatus " + refunded.path("refStatus").asText());
      step("6203", "refStatus SUCC");
      System.out.println("OK 6101 6201 6202 6302 6301 6203");
    } finally {
      sandbox(baseUrl, "POST", "/sandbox/apps/" + appId, "{\"notifyUrl\":null}");
      server.stop(0);
    }
  }

  public static void main(String[] args) throws Exception {
    JsonNode s = JSON.readTree(new File(args.length > 0 ? args[0] : ".yibao/sandbox.json"));
    JsonNode inst = s.path("institution");
    YibaoDemo his = new YibaoDemo(s.path("baseUrl").asText(), inst.path("appId").asText(), inst.path("appSecret").asText(),
        inst.path("orgCodg").asText(), inst.path("privateKey").asText(), s.path("platform").path("publicKey").asText());
    // The person with the smallest positive account balance: the bill leaves a cash part.
    List<JsonNode> persons = new ArrayList<>();
    s.path("persons").forEach(persons::add);
    persons.removeIf(p -> money(p.path("balance")).signum() <= 0);
    persons.sort((a, b) -> money(a.path("balance")).compareTo(money(b.path("balance"))));
    if (persons.isEmpty()) throw new IllegalStateException("no test person with a balance in the sandbox file");
    his.run(persons.get(0));
  }
}
