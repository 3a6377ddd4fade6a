#include <QtTest>

#include <string>

#include "core/base/Result.h"

using namespace nocturne::core;

namespace {
Result<int> parsePositive(int v)
{
    if (v <= 0)
        return makeError(ErrorCode::InvalidArgument, "must be positive", "value.txt");
    return v;
}
}  // namespace

class tst_Result : public QObject {
    Q_OBJECT
private slots:
    void holdsValue();
    void holdsErrorWithContext();
    void voidResult();
    void movesValueOut();
};

void tst_Result::holdsValue()
{
    const auto r = parsePositive(3);
    QVERIFY(r.ok());
    QVERIFY(static_cast<bool>(r));
    QCOMPARE(*r, 3);
}

void tst_Result::holdsErrorWithContext()
{
    const auto r = parsePositive(-1);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(QString::fromStdString(r.error().describe()), QStringLiteral("value.txt: must be positive"));
    QCOMPARE(QString::fromStdString(makeError(ErrorCode::Internal, "boom").describe()), QStringLiteral("boom"));
    QCOMPARE(QString(toString(ErrorCode::Cancelled)), QStringLiteral("cancelled"));
}

void tst_Result::voidResult()
{
    Result<void> good = Result<void>::success();
    QVERIFY(good.ok());
    Result<void> bad = makeError(ErrorCode::IoError, "disk full", "out.jpg");
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().code, ErrorCode::IoError);
}

void tst_Result::movesValueOut()
{
    Result<std::string> r(std::string(1000, 'x'));
    std::string s = std::move(r).value();
    QCOMPARE(s.size(), size_t{1000});
}

QTEST_GUILESS_MAIN(tst_Result)
#include "tst_Result.moc"
