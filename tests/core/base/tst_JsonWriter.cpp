// JsonWriter: what it writes reads back through JsonValue to the same values, in the order written.
#include <QtTest>

#include <cmath>
#include <limits>
#include <string>

#include "core/base/Json.h"
#include "core/base/JsonWriter.h"

using namespace nocturne::core;

class tst_JsonWriter : public QObject {
    Q_OBJECT
private slots:
    void numbersReadBackExactly_data();
    void numbersReadBackExactly();
    void stringsReadBackExactly_data();
    void stringsReadBackExactly();
    void keepsMemberOrderAndNests();
};

void tst_JsonWriter::numbersReadBackExactly_data()
{
    QTest::addColumn<double>("value");
    QTest::newRow("zero") << 0.0;
    QTest::newRow("integer") << 128.0;
    QTest::newRow("m default") << 0.12;
    QTest::newRow("float gamma as double") << static_cast<double>(2.2f);
    QTest::newRow("tiny") << 1e-300;
    QTest::newRow("huge") << 1.7976931348623157e308;
    QTest::newRow("negative third") << -1.0 / 3.0;
}

void tst_JsonWriter::numbersReadBackExactly()
{
    QFETCH(double, value);
    JsonWriter w;
    w.beginObject().key("x").value(value).endObject();
    const auto v = JsonValue::parse(w.str());
    QVERIFY2(v.ok(), w.str().c_str());
    QCOMPARE(v->find("x")->asNumber(), value);   // bit-exact: shortest round-trip form
}

void tst_JsonWriter::stringsReadBackExactly_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("plain") << QByteArray("none");
    QTest::newRow("quotes and backslashes") << QByteArray("a\"b\\c");
    QTest::newRow("control characters") << QByteArray("line\nnext\ttab\r\x01\x1f", 17);
    QTest::newRow("utf-8") << QByteArray("Nuit \xc3\xa9toil\xc3\xa9" "e \xe2\x82\xac \xf0\x9f\x8c\x99");
}

void tst_JsonWriter::stringsReadBackExactly()
{
    QFETCH(QByteArray, text);
    const std::string s(text.constData(), static_cast<size_t>(text.size()));
    JsonWriter w;
    w.beginObject().key(s).value(s).endObject();
    const auto v = JsonValue::parse(w.str());
    QVERIFY2(v.ok(), w.str().c_str());
    QVERIFY(v->find(s) != nullptr);
    QCOMPARE(v->find(s)->asString(), s);
}

void tst_JsonWriter::keepsMemberOrderAndNests()
{
    JsonWriter w;
    w.beginObject();
    w.key("zeta").value(true);
    w.key("alpha").beginObject().key("inner").null().endObject();
    w.key("empty").beginObject().endObject();
    w.key("nan").value(std::numeric_limits<double>::quiet_NaN());
    w.endObject();
    const std::string text = w.str();
    QCOMPARE(QString::fromStdString(text),
             QStringLiteral("{\n  \"zeta\": true,\n  \"alpha\": {\n    \"inner\": null\n  },\n"
                            "  \"empty\": {},\n  \"nan\": null\n}\n"));
    const auto v = JsonValue::parse(text);
    QVERIFY(v.ok());
    QVERIFY(v->find("nan")->isNull());   // JSON has no NaN: written as null, never as invalid text
}

QTEST_GUILESS_MAIN(tst_JsonWriter)
#include "tst_JsonWriter.moc"
