#include <QtTest>

#include <string>

#include "core/pipeline/StageCache.h"

using namespace nocturne::core;

class tst_StageCache : public QObject {
    Q_OBJECT
private slots:
    void keysDistinguishInputs();
    void findsWhatWasStored();
    void typeMismatchIsAMiss();
    void evictsLeastRecentlyUsed();
    void handedOutValuesOutliveEviction();
    void oversizedEntriesAreNotKept();
};

void tst_StageCache::keysDistinguishInputs()
{
    QCOMPARE(StageKey().add("he").add(2.0).value(), StageKey().add("he").add(2.0).value());
    QVERIFY(StageKey().add("he").add(2.0).value() != StageKey().add("he").add(2.0000001).value());
    QVERIFY(StageKey().add("ab").add("c").value() != StageKey().add("a").add("bc").value());
    QCOMPARE(StageKey().add(0.0).value(), StageKey().add(-0.0).value());
}

void tst_StageCache::findsWhatWasStored()
{
    StageCache cache(1000);
    cache.store<std::string>(1, std::make_shared<const std::string>("one"), 10);
    const auto hit = cache.find<std::string>(1);
    QVERIFY(hit);
    QCOMPARE(QString::fromStdString(*hit), QStringLiteral("one"));
    QVERIFY(!cache.find<std::string>(2));
    QCOMPARE(cache.hits(), size_t{1});
    QCOMPARE(cache.misses(), size_t{1});
}

void tst_StageCache::typeMismatchIsAMiss()
{
    StageCache cache(1000);
    cache.store<int>(7, std::make_shared<const int>(7), 4);
    QVERIFY(!cache.find<double>(7));
    QVERIFY(cache.find<int>(7));
}

void tst_StageCache::evictsLeastRecentlyUsed()
{
    StageCache cache(300);
    cache.store<int>(1, std::make_shared<const int>(1), 100);
    cache.store<int>(2, std::make_shared<const int>(2), 100);
    cache.store<int>(3, std::make_shared<const int>(3), 100);
    QVERIFY(cache.find<int>(1));                         // 1 becomes most recent
    cache.store<int>(4, std::make_shared<const int>(4), 100);   // evicts 2
    QVERIFY(!cache.find<int>(2));
    QVERIFY(cache.find<int>(1));
    QVERIFY(cache.find<int>(3));
    QVERIFY(cache.find<int>(4));
    QCOMPARE(cache.sizeBytes(), size_t{300});
    // Re-storing a key replaces it without double counting.
    cache.store<int>(4, std::make_shared<const int>(40), 50);
    QCOMPARE(cache.sizeBytes(), size_t{250});
    QCOMPARE(*cache.find<int>(4), 40);
}

void tst_StageCache::handedOutValuesOutliveEviction()
{
    StageCache cache(100);
    cache.store<std::string>(1, std::make_shared<const std::string>("kept"), 100);
    auto held = cache.find<std::string>(1);
    cache.store<std::string>(2, std::make_shared<const std::string>("new"), 100);
    QVERIFY(!cache.find<std::string>(1));
    QCOMPARE(QString::fromStdString(*held), QStringLiteral("kept"));
}

void tst_StageCache::oversizedEntriesAreNotKept()
{
    StageCache cache(100);
    cache.store<int>(1, std::make_shared<const int>(1), 50);
    cache.store<int>(2, std::make_shared<const int>(2), 1000);
    QVERIFY(!cache.find<int>(2));
    QVERIFY(cache.find<int>(1));
}

QTEST_GUILESS_MAIN(tst_StageCache)
#include "tst_StageCache.moc"
