#include <QtTest>

#include <fstream>
#include <string>

#include "core/base/Sha256.h"

using namespace nocturne::core;

class tst_Sha256 : public QObject {
    Q_OBJECT
private slots:
    void fipsVectors_data();
    void fipsVectors();
    void incrementalEqualsOneShot();
    void millionAs();
    void megabyteFile();
    void missingFileIsNotFound();
};

void tst_Sha256::fipsVectors_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QString>("digest");
    // FIPS 180-2, Appendix B.1, B.2 and the empty string.
    QTest::newRow("abc") << QByteArray("abc")
                         << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    QTest::newRow("empty") << QByteArray("")
                           << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    QTest::newRow("448-bit") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                             << "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
}

void tst_Sha256::fipsVectors()
{
    QFETCH(QByteArray, message);
    QFETCH(QString, digest);
    QCOMPARE(QString::fromStdString(Sha256::hashHex(std::string_view(message.constData(), message.size()))), digest);
}

void tst_Sha256::incrementalEqualsOneShot()
{
    std::string data;
    for (int i = 0; i < 1000; ++i)
        data += static_cast<char>(i * 7 + 3);
    // Chunk sizes straddling the 64-byte block and the 56-byte padding boundary.
    for (const std::size_t chunk : {1u, 55u, 56u, 63u, 64u, 65u, 999u}) {
        Sha256 sha;
        for (std::size_t pos = 0; pos < data.size(); pos += chunk)
            sha.update(std::string_view(data).substr(pos, chunk));
        QCOMPARE(sha.hexDigest(), Sha256::hashHex(data));
    }
}

void tst_Sha256::millionAs()
{
    // FIPS 180-2, Appendix B.3.
    QCOMPARE(Sha256::hashHex(std::string(1000000, 'a')),
             std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

void tst_Sha256::megabyteFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("one-megabyte.bin").toStdString();
    QByteArray bytes(1 << 20, '\0');
    for (int i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<char>((i * 31 + (i >> 8)) & 0xFF);
    {
        std::ofstream out(path, std::ios::binary);
        out.write(bytes.constData(), bytes.size());
    }
    const Result<std::string> hash = Sha256::hashFileHex(path);
    QVERIFY(hash.ok());
    const QByteArray expected = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
    QCOMPARE(QString::fromStdString(*hash), QString::fromLatin1(expected));
}

void tst_Sha256::missingFileIsNotFound()
{
    const Result<std::string> hash = Sha256::hashFileHex("/nonexistent/nocturne/model.pt");
    QVERIFY(!hash.ok());
    QCOMPARE(hash.error().code, ErrorCode::NotFound);
    QCOMPARE(hash.error().context, std::string("/nonexistent/nocturne/model.pt"));
}

QTEST_GUILESS_MAIN(tst_Sha256)
#include "tst_Sha256.moc"
