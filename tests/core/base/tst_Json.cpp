// JsonValue: the manifest parser (fuzzed by nocturne-fuzz-manifest; these are its contracts).
#include <QtTest>

#include <string>

#include "core/base/Json.h"

using namespace nocturne::core;

class tst_Json : public QObject {
    Q_OBJECT
private slots:
    void parsesEveryKindOfValue();
    void stringEscapesAndUnicode();
    void rejectsMalformedText_data();
    void rejectsMalformedText();
};

void tst_Json::parsesEveryKindOfValue()
{
    const auto v = JsonValue::parse(R"({"n": -1.5e2, "t": true, "f": false, "z": null,
                                        "s": "x", "a": [1, [2], {}], "o": {"k": "v"}})");
    QVERIFY2(v.ok(), v ? "" : v.error().describe().c_str());
    QVERIFY(v->isObject());
    QCOMPARE(v->find("n")->asNumber(), -150.0);
    QVERIFY(v->find("t")->asBool() && !v->find("f")->asBool());
    QVERIFY(v->find("z")->isNull());
    QCOMPARE(v->find("a")->items().size(), size_t(3));
    QVERIFY(v->find("a")->items()[1].isArray() && v->find("a")->items()[2].isObject());
    QCOMPARE(v->find("o")->find("k")->asString(), std::string("v"));
    QVERIFY(v->find("missing") == nullptr);
    QVERIFY(v->find("s")->find("anything") == nullptr);   // not an object
}

void tst_Json::stringEscapesAndUnicode()
{
    const auto v = JsonValue::parse(R"(["a\"b\\c\/\n\t", "\u00e9\u20ac", "na\u00efve \ud83d\ude00"])");
    QVERIFY2(v.ok(), v ? "" : v.error().describe().c_str());
    QCOMPARE(v->items()[0].asString(), std::string("a\"b\\c/\n\t"));
    QCOMPARE(v->items()[1].asString(), std::string("\xc3\xa9\xe2\x82\xac"));
    QCOMPARE(v->items()[2].asString(), std::string("na\xc3\xafve \xf0\x9f\x98\x80"));
}

void tst_Json::rejectsMalformedText_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << "";
    QTest::newRow("trailing comma") << R"({"a": 1,})";
    QTest::newRow("unterminated string") << R"({"a": "b)";
    QTest::newRow("unclosed array") << "[1, 2";
    QTest::newRow("bare word") << "{\"a\": yes}";
    QTest::newRow("garbage after value") << "{} x";
    QTest::newRow("lone high surrogate") << R"(["\ud83d"])";
    QTest::newRow("high surrogate, then not a low one") << R"(["\ud83d\u0041"])";
    QTest::newRow("lone low surrogate") << R"(["\ude00"])";
    QTest::newRow("deep nesting") << QString(100000, QLatin1Char('['));
}

void tst_Json::rejectsMalformedText()
{
    QFETCH(QString, text);
    const auto v = JsonValue::parse(text.toStdString(), "model.json");
    QVERIFY(!v.ok());
    QVERIFY2(QString::fromStdString(v.error().describe()).contains("model.json"), v.error().describe().c_str());
}

QTEST_GUILESS_MAIN(tst_Json)
#include "tst_Json.moc"
