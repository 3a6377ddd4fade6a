#include "ui/services/BatchTypes.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

#include "core/io/ImageLoader.h"

namespace nocturne::ui {

namespace {

bool isSupported(const QString& path)
{
    return core::ImageLoader::hasSupportedExtension(path.toStdString());
}

QString canonicalOrAbsolute(const QString& path)
{
    const QFileInfo info(path);
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? info.absoluteFilePath() : canonical;
}

}  // namespace

QStringList BatchNaming::expandInputs(const QStringList& filesOrFolders, bool recursive)
{
    QStringList out;
    QSet<QString> seen;
    auto addFile = [&](const QString& path) {
        const QString key = canonicalOrAbsolute(path);
        if (!seen.contains(key)) {
            seen.insert(key);
            out << QFileInfo(path).absoluteFilePath();
        }
    };
    for (const QString& entry : filesOrFolders) {
        const QFileInfo info(entry);
        if (!info.isDir()) {
            addFile(entry);   // missing or unsupported files fail later with a readable reason
            continue;
        }
        QStringList found;
        QDirIterator it(entry, QDir::Files | QDir::Readable,
                        recursive ? QDirIterator::Subdirectories : QDirIterator::NoIteratorFlags);
        while (it.hasNext()) {
            const QString path = it.next();
            if (isSupported(path))
                found << path;
        }
        found.sort(Qt::CaseInsensitive);
        for (const QString& path : found)
            addFile(path);
    }
    return out;
}

QString BatchNaming::outputFileName(const QString& pattern, const QString& source, const QString& method,
                                    int index, core::ExportFormat format)
{
    QString name = pattern.isEmpty() ? QStringLiteral("{name}_nocturne") : pattern;
    name.replace(QStringLiteral("{name}"), QFileInfo(source).completeBaseName());
    name.replace(QStringLiteral("{method}"), method);
    name.replace(QStringLiteral("{index}"), QString::number(index));
    static const QRegularExpression kForbidden(QStringLiteral(R"([/\\:*?"<>|\x00-\x1f])"));
    name.replace(kForbidden, QStringLiteral("_"));
    return name + QLatin1Char('.') + QString::fromStdString(core::extensionFor(format));
}

QString BatchNaming::resolveCollision(const QString& candidate, const QString& source, CollisionPolicy policy)
{
    const QFileInfo info(candidate);
    const bool isSource = canonicalOrAbsolute(candidate) == canonicalOrAbsolute(source);
    if (!info.exists() && !isSource)
        return candidate;
    if (policy == CollisionPolicy::Skip && !isSource)
        return {};
    if (policy == CollisionPolicy::Overwrite && !isSource)
        return candidate;
    const QString stem = info.dir().filePath(info.completeBaseName());
    const QString suffix = info.suffix().isEmpty() ? QString() : QLatin1Char('.') + info.suffix();
    for (int n = 1; n < 100000; ++n) {
        const QString next = stem + QLatin1Char('-') + QString::number(n) + suffix;
        if (!QFileInfo::exists(next))
            return next;
    }
    return {};
}

}  // namespace nocturne::ui
