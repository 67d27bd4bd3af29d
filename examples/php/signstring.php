<?php
// The sign string of mobile-payment.txt 2.2.3.1 in PHP, byte-exact with yibao (docs/integrators.md).
// `php signstring.php <vector.json>…` checks it against the repository's vectors (test/vectors/).
// json_decode turns 96.00 into the float 96 and, with assoc=true, {} into []: keep each number's
// text and decode objects as objects.
function yibao_decode(string $json) {
    // Number literals outside strings become "\0n<digits>" strings: their text survives decoding.
    $out = ''; $n = strlen($json); $inString = false;
    for ($i = 0; $i < $n; $i++) {
        $c = $json[$i];
        if ($inString) {
            $out .= $c;
            if ($c === '\\') { $out .= $json[++$i]; } elseif ($c === '"') { $inString = false; }
        } elseif ($c === '"') {
            $inString = true; $out .= $c;
        } elseif ($c === '-' || ctype_digit($c)) {
            $j = $i;
            while ($j < $n && strpos('+-0123456789.eE', $json[$j]) !== false) $j++;
            $out .= '"\u0000n' . substr($json, $i, $j - $i) . '"';
            $i = $j - 1;
        } else {
            $out .= $c;
        }
    }
    return json_decode($out, false, 512, JSON_THROW_ON_ERROR);
}
const YIBAO_JSON = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_LINE_TERMINATORS;
function yibao_is_number($v): bool { return is_string($v) && strncmp($v, "\0n", 2) === 0; }
function yibao_is_empty($v): bool { return $v === null || $v === '' || (is_array($v) && count($v) === 0); }
/** Nested values: compact JSON, keys sorted, empty values dropped, numbers as received. */
function yibao_json($v): string {
    if (yibao_is_number($v)) return substr($v, 2);
    if ($v instanceof stdClass) {
        $fields = get_object_vars($v);
        ksort($fields, SORT_STRING);
        $parts = [];
        foreach ($fields as $k => $x) {
            if (!yibao_is_empty($x)) $parts[] = json_encode((string) $k, YIBAO_JSON) . ':' . yibao_json($x);
        }
        return '{' . implode(',', $parts) . '}';
    }
    if (is_array($v)) return '[' . implode(',', array_map('yibao_json', $v)) . ']';
    return json_encode($v, YIBAO_JSON);
}
/** mobile-payment.txt 2.2.3.1: sorted k=v&…, top-level values raw, &key=appSecret. */
function yibao_sign_string(stdClass $message, string $appSecret): string {
    $fields = get_object_vars($message);
    ksort($fields, SORT_STRING);
    $parts = [];
    foreach ($fields as $k => $v) {
        if (in_array($k, ['signData', 'encData', 'extra'], true) || yibao_is_empty($v)) continue;
        $text = yibao_is_number($v) ? substr($v, 2) : (is_string($v) ? $v : (is_bool($v) ? ($v ? 'true' : 'false') : yibao_json($v)));
        $parts[] = $k . '=' . $text;
    }
    $parts[] = 'key=' . $appSecret;
    return implode('&', $parts);
}
// Self-check against vectors: {message | messageText, appSecret, signString (string or {json, …})}.
if (PHP_SAPI === 'cli' && realpath($argv[0]) === realpath(__FILE__)) {
    $failed = 0;
    foreach (array_slice($argv, 1) as $file) {
        $v = json_decode(file_get_contents($file));
        $text = isset($v->messageText) ? $v->messageText : json_encode($v->message, YIBAO_JSON);
        $want = is_string($v->signString) ? $v->signString : $v->signString->json;
        $got = yibao_sign_string(yibao_decode($text), $v->appSecret);
        echo ($got === $want ? 'ok ' : 'MISMATCH ') . basename($file) . "\n";
        if ($got !== $want) { echo $got . "\n"; $failed++; }
    }
    exit($failed === 0 ? 0 : 1);
}
